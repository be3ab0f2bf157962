"""Forms of the deal registration pages. They check the shape of the input (a number, a date, a choice); the rules
(amount above zero, a real currency, a close date not in the past, a domain that is a domain, the minimum deal
size…) are the services', whose refusals the views put back beside the field they name."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealreg.models import TERM_MONTHS_RANGE, AttributionRole, DealStage, DealStatus, RejectionReason, RevenueType
from dealreg.services.rules import EXTENSION_APPROVERS
from partners.selectors import CompanySize
from prm.forms import BootstrapForm
from prm.money import currency_choices

LINE_ITEM_ROWS = 3

REGISTRATION_FIELDS = (
    "customer_name",
    "customer_website",
    "customer_country",
    "amount",
    "currency",
    "expected_close_date",
    "stage",
    "revenue_type",
    "term_months",
    "annual_recurring_value",
    "campaign_code",
    "title",
    "description",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_title",
    "customer_region",
    "customer_industry",
    "customer_size",
)


class DealRegistrationForm(BootstrapForm, forms.Form):
    """The registration form: what is needed first (customer, amount, close date), the rest optional, so it is
    quick on a phone. Staff registering on a partner's behalf also choose the partner."""

    # The partners to choose from come with the form (`partners`): a tenant's rows, known only per request.
    partner_organization = forms.ModelChoiceField(queryset=None, label=_("Partner"), required=False)
    customer_name = forms.CharField(max_length=255, label=_("Customer company"))
    customer_website = forms.CharField(
        max_length=255,
        required=False,
        label=_("Customer website or domain"),
        help_text=_("acme.com, or an email address there"),
    )
    customer_country = forms.CharField(
        max_length=2, required=False, label=_("Country"), help_text=_("Two letters, e.g. DE")
    )
    amount = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, label=_("Amount"), help_text=_("Or list the products below.")
    )
    currency = forms.ChoiceField(choices=[], label=_("Currency"))
    expected_close_date = forms.DateField(
        label=_("Expected close date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    stage = forms.ChoiceField(choices=DealStage.choices, initial=DealStage.QUALIFIED, label=_("Stage"))
    revenue_type = forms.ChoiceField(
        choices=RevenueType.choices, initial=RevenueType.NEW, required=False, label=_("Revenue type")
    )
    term_months = forms.IntegerField(
        min_value=TERM_MONTHS_RANGE[0],
        max_value=TERM_MONTHS_RANGE[1],
        required=False,
        label=_("Term (months)"),
        help_text=_("The contract's length, 1 to 120 months."),
    )
    annual_recurring_value = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        label=_("Annual recurring value"),
        help_text=_("Per year, in the deal's currency."),
    )
    campaign_code = forms.CharField(
        max_length=32,
        required=False,
        label=_("Campaign code"),
        help_text=_("The marketing campaign the deal came from, such as Q3-WEBINAR-EMEA (optional)."),
    )
    title = forms.CharField(max_length=255, required=False, label=_("Opportunity name"))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label=_("Description")
    )
    contact_name = forms.CharField(max_length=200, required=False, label=_("Contact name"))
    contact_email = forms.EmailField(required=False, label=_("Contact email"))
    contact_phone = forms.CharField(max_length=40, required=False, label=_("Contact phone"))
    contact_title = forms.CharField(max_length=100, required=False, label=_("Contact job title"))
    customer_region = forms.CharField(max_length=32, required=False, label=_("Region"))
    customer_industry = forms.CharField(max_length=64, required=False, label=_("Industry"))
    customer_size = forms.ChoiceField(
        choices=[("", "—"), *CompanySize.choices], required=False, label=_("Company size")
    )

    def __init__(self, *args, base_currency="USD", partners=None, products=(), conflict_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices(first=base_currency)
        self.fields["currency"].initial = base_currency
        if partners is None:
            del self.fields["partner_organization"]
        else:
            field = self.fields["partner_organization"]
            field.queryset = partners
            field.required = True
            # A program may have thousands of partners: the select holds only the chosen one, and the page's search
            # box (htmx, partners/options/) fills it with matches. Validation still uses the queryset.
            chosen_id = str(self.data.get("partner_organization") or "")
            chosen = partners.filter(pk=int(chosen_id)).first() if chosen_id.isdigit() else None
            field.widget = forms.Select(
                choices=[("", _("Search above, then choose"))] + ([(chosen.pk, chosen.name)] if chosen else []),
                attrs={"class": "form-select form-select-lg"},
            )
        self.products = list(products)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            if "-lg" not in css:
                large = "form-select-lg" if "form-select" in css else "form-control-lg"
                field.widget.attrs["class"] = f"{css} {large}".strip()

        self.fields["customer_name"].widget.attrs.update(autocomplete="organization")
        self.fields["customer_website"].widget.attrs.update(inputmode="url", autocapitalize="none", autocorrect="off")
        self.fields["customer_country"].widget.attrs.update(autocapitalize="characters", size="2")
        self.fields["amount"].widget.attrs.update(inputmode="decimal")
        self.fields["annual_recurring_value"].widget.attrs.update(inputmode="decimal")
        self.fields["campaign_code"].widget.attrs.update(autocapitalize="characters", autocomplete="off")
        self.fields["contact_email"].widget.attrs.update(autocomplete="off")
        self.fields["expected_close_date"].widget.attrs.update(min=timezone.localdate().isoformat())
        if conflict_url:
            # The live conflict check: the customer's name, website and country go to the server as the partner
            # types (debounced), and the warning appears under them.
            for name in ("customer_name", "customer_website", "customer_country"):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-post": conflict_url,
                        "hx-trigger": "input changed delay:400ms, change",
                        "hx-target": "#conflict-warning",
                        "hx-include": "#id_customer_name, #id_customer_website, #id_customer_country, #id_exclude",
                        "hx-sync": "closest form:replace",
                    }
                )

    def line_items(self) -> list[dict]:
        """The product rows filled in: [{"product": id, "quantity": int, "unit_price": str or None}]."""
        rows = []
        for index in range(LINE_ITEM_ROWS):
            product = (self.data.get(f"product_{index}") or "").strip()
            if not product:
                continue
            quantity = (self.data.get(f"quantity_{index}") or "1").strip()
            price = (self.data.get(f"unit_price_{index}") or "").strip()
            rows.append(
                {
                    "product": int(product) if product.isdigit() else product,
                    "quantity": int(quantity) if quantity.isdigit() else quantity,
                    "unit_price": price or None,
                    "partner_delivered_service": bool(self.data.get(f"partner_service_{index}")),
                }
            )
        return rows

    def line_item_rows(self):
        for index in range(LINE_ITEM_ROWS):
            yield {
                "index": index,
                "product": self.data.get(f"product_{index}", self.initial.get(f"product_{index}", "")),
                "quantity": self.data.get(f"quantity_{index}", self.initial.get(f"quantity_{index}", "")),
                "unit_price": self.data.get(f"unit_price_{index}", self.initial.get(f"unit_price_{index}", "")),
                "partner_service": bool(
                    self.data.get(f"partner_service_{index}")
                    if self.is_bound
                    else self.initial.get(f"partner_service_{index}")
                ),
            }

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in REGISTRATION_FIELDS if name in self.cleaned_data}
        for name, value in list(data.items()):
            if value is None and name not in ("amount", "term_months", "annual_recurring_value"):
                data[name] = ""
        if data.get("amount") is None:
            data.pop("amount", None)
        if not data.get("revenue_type"):
            data.pop("revenue_type", None)  # not sent: a new registration is new business, a change keeps it
        return data

    @staticmethod
    def initial_for(registration) -> dict:
        initial = {name: getattr(registration, name) for name in REGISTRATION_FIELDS}
        for index, item in enumerate(registration.line_items.all()[:LINE_ITEM_ROWS]):
            initial[f"product_{index}"] = str(item.product_id)
            initial[f"quantity_{index}"] = str(item.quantity)
            initial[f"unit_price_{index}"] = str(item.unit_price)
            initial[f"partner_service_{index}"] = item.partner_delivered_service
        return initial


class DecisionForm(BootstrapForm, forms.Form):
    """A channel manager's decision on the decision screen."""

    DECISIONS = [
        ("start_review", _("Start review")),
        ("approve", _("Approve")),
        ("reject", _("Reject")),
        ("request_info", _("Ask the partner")),
    ]
    decision = forms.ChoiceField(choices=DECISIONS, label=_("Decision"))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, label=_("Note"))
    reason = forms.ChoiceField(
        choices=[("", _("Choose a reason")), *RejectionReason.choices], required=False, label=_("Reason")
    )
    question = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, label=_("Question")
    )
    assign_to = forms.TypedChoiceField(
        choices=[], required=False, coerce=int, empty_value=None, label=_("Co-sell with")
    )

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assign_to"].choices = [("", _("Nobody (partner sells alone)")), *assignees]


class AnswerForm(BootstrapForm, forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label=_("Your answer"))


class WithdrawForm(BootstrapForm, forms.Form):
    reason = forms.CharField(required=False, max_length=500, label=_("Why (optional)"))


class ExtensionRequestForm(BootstrapForm, forms.Form):
    days = forms.IntegerField(min_value=1, max_value=365, label=_("More days"))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label=_("Why"))


class ExtensionDecisionForm(BootstrapForm, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))], label=_("Decision"))
    note = forms.CharField(required=False, max_length=2000, label=_("Note"))


class CloseForm(BootstrapForm, forms.Form):
    outcome = forms.ChoiceField(
        choices=[(DealStatus.WON, DealStatus.WON.label), (DealStatus.LOST, DealStatus.LOST.label)], label=_("Outcome")
    )
    closed_amount = forms.DecimalField(max_digits=14, decimal_places=2, required=False, label=_("Closed amount"))
    closed_date = forms.DateField(
        required=False, label=_("Closed on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(required=False, max_length=500, label=_("Why it was lost"))


class BulkDecisionForm(BootstrapForm, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve selected")), ("reject", _("Reject selected"))], label=_("Decision")
    )
    reason = forms.ChoiceField(
        choices=[("", _("Choose a reason")), *RejectionReason.choices], required=False, label=_("Reason (to reject)")
    )
    note = forms.CharField(
        required=False,
        max_length=5000,
        label=_("Note to the partners (optional)"),
        widget=forms.TextInput(attrs={"aria-describedby": "bulk-note-help"}),
    )


class EngagementRulesForm(BootstrapForm, forms.Form):
    protection_days = forms.IntegerField(min_value=1, max_value=730, label=_("Protection period (days)"))
    max_extensions = forms.IntegerField(min_value=0, max_value=10, label=_("Extensions allowed"))
    extension_days = forms.IntegerField(min_value=1, max_value=365, label=_("Longest extension (days)"))
    extension_approver = forms.ChoiceField(choices=list(EXTENSION_APPROVERS.items()), label=_("Extensions decided by"))
    conflict_policy = forms.ChoiceField(choices=[], label=_("When registrations conflict"))
    minimum_amount = forms.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, label=_("Minimum deal size")
    )
    review_sla_business_days = forms.IntegerField(min_value=1, max_value=30, label=_("Review SLA (business days)"))
    expiry_warning_days = forms.IntegerField(min_value=0, max_value=90, label=_("Warn before protection ends (days)"))
    auto_approve = forms.BooleanField(required=False, label=_("Approve clean registrations automatically"))
    auto_approve_max_amount = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        label=_("Automatic approval up to"),
        help_text=_("Empty: any amount. In the program's base currency."),
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        label=_("Notes for partners"),
        help_text=_("Shown on the public rules page."),
    )

    def __init__(self, *args, **kwargs):
        from dealreg.models import ConflictPolicy

        super().__init__(*args, **kwargs)
        self.fields["conflict_policy"].choices = ConflictPolicy.choices

    @classmethod
    def initial_for(cls, rules) -> dict:
        return {name: getattr(rules, name) for name in cls.base_fields}


ROLE_CHOICES = AttributionRole.choices


class InfluenceClaimForm(BootstrapForm, forms.Form):
    """A partner's influence claim: the customer of the deal, what it did, and evidence. (The services check the
    values; the form shapes them.)"""

    customer_name = forms.CharField(max_length=255, label=_("Customer company"))
    customer_website = forms.CharField(
        max_length=255, required=False, label=_("Customer website or domain"), help_text=_("acme.com (optional)")
    )
    customer_country = forms.CharField(
        max_length=2, required=False, label=_("Country"), help_text=_("Two letters, e.g. DE (optional)")
    )
    activity = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        label=_("What your organization did"),
        help_text=_("The meetings, the demo, the introduction, the technical work that advanced the deal."),
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False, label=_("Evidence (optional)")
    )
    evidence_url = forms.CharField(
        max_length=500,
        required=False,
        label=_("Link to the evidence (optional)"),
        help_text=_("A shared document or a meeting record, https://…"),
    )


class InfluenceDecisionForm(BootstrapForm, forms.Form):
    """A reviewer's decision on a claim: accept on a deal (a suggested one, a registration number or a CRM
    opportunity's external id) with a share, or decline with a reason."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))], label=_("Decision"))
    target = forms.CharField(required=False, max_length=40, label=_("Deal"))
    registration = forms.IntegerField(required=False, min_value=1, label=_("Or registration number"))
    crm_opportunity = forms.CharField(required=False, max_length=100, label=_("Or CRM opportunity (external id)"))
    share = forms.DecimalField(
        required=False, max_digits=5, decimal_places=2, label=_("Share (%)"), help_text=_("Influenced share, 0–100.")
    )
    note = forms.CharField(required=False, max_length=5000, label=_("Note"))
    reason = forms.CharField(
        required=False, max_length=5000, label=_("Why it is declined"), help_text=_("The partner reads it.")
    )

    def deal(self) -> dict:
        """{"registration": id} or {"crm_opportunity": id or external id} from the suggestion chosen or typed."""
        data = self.cleaned_data
        target = data.get("target") or ""
        kind, _sep, value = target.partition(":")
        if kind in ("registration", "crm_opportunity") and value.isdigit():
            return {kind: int(value)}
        if data.get("registration"):
            return {"registration": data["registration"]}
        if data.get("crm_opportunity"):
            return {"crm_opportunity": data["crm_opportunity"]}
        return {}


class InfluenceAddForm(BootstrapForm, forms.Form):
    """Staff add an influencing partner directly to a registration or a CRM opportunity."""

    partner_organization = forms.IntegerField(min_value=1, label=_("Partner"))
    registration = forms.IntegerField(required=False, min_value=1, label=_("Registration number"))
    crm_opportunity = forms.CharField(required=False, max_length=100, label=_("Or CRM opportunity (external id)"))
    share = forms.DecimalField(max_digits=5, decimal_places=2, label=_("Share (%)"))
    note = forms.CharField(required=False, max_length=5000, label=_("Note"))
