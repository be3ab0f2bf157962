"""The tenant's rules of engagement: read (defaults until a tenant admin saves its own) and update."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dealreg.models import ConflictPolicy, EngagementRules
from dealreg.services.cleaning import clean_choice, clean_whole_number
from prm import policy
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.money import clean_amount
from prm.policy import Actor
from prm.templatetags.prm_format import money

# Who decides extension requests: channel managers (with tenant admins), or tenant admins only.
EXTENSION_APPROVERS = {
    "channel_manager": gettext_lazy("Channel managers (and tenant admins)"),
    "tenant_admin": gettext_lazy("Tenant admins only"),
}

# field -> (lowest, highest) for the whole-number rules; the model's validators say the same.
NUMBER_RANGES = {
    "protection_days": (1, 730),
    "max_extensions": (0, 10),
    "extension_days": (1, 365),
    "review_sla_business_days": (1, 30),
    "expiry_warning_days": (0, 90),
}
NOTES_MAX_LENGTH = 5000
RULE_FIELDS = (
    *NUMBER_RANGES,
    "extension_approver",
    "conflict_policy",
    "minimum_amount",
    "auto_approve",
    "auto_approve_max_amount",
    "notes",
)


def engagement_rules_get() -> EngagementRules:
    """The current tenant's rules; until a tenant admin saves them, the defaults (an unsaved row)."""
    return EngagementRules.objects.filter().first() or EngagementRules()


@transaction.atomic
def engagement_rules_update(*, actor: Actor, **changes) -> EngagementRules:
    """Tenant admins set the rules of engagement; each value is checked (field-named errors) and saved together.
    The first save creates the tenant's row (one per tenant, backed by a unique constraint)."""
    policy.require(actor, "deals.manage_rules")
    unknown = sorted(set(changes) - set(RULE_FIELDS))
    if unknown:
        raise ValidationFailed(_("Unknown rules: %(names)s.") % {"names": ", ".join(unknown)}, field=unknown[0])
    rules = EngagementRules.objects.select_for_update().filter().first() or EngagementRules()
    for field, value in changes.items():
        if field in NUMBER_RANGES:
            low, high = NUMBER_RANGES[field]
            value = clean_whole_number(value, field=field, low=low, high=high)
        elif field == "extension_approver":
            value = clean_choice(
                value, EXTENSION_APPROVERS, field=field, message=_("Choose who decides extension requests.")
            )
        elif field == "conflict_policy":
            value = clean_choice(
                value, ConflictPolicy.values, field=field, message=_("Choose how conflicts are settled.")
            )
        elif field == "minimum_amount":
            value = (
                Decimal("0")
                if value in (None, "")
                else clean_amount(value, field=field, positive=False, label=_("The minimum deal size"))
            )
        elif field == "auto_approve_max_amount":
            value = None if value in (None, "") else clean_amount(value, field=field, label=_("The limit"))
        elif field == "auto_approve":
            value = bool(value)
        elif field == "notes":
            value = clean_text(value, field=field, max_length=NOTES_MAX_LENGTH)
        setattr(rules, field, value)
    if rules.max_extensions and rules.extension_days < 1:
        raise ValidationFailed(_("An extension lasts at least one day."), field="extension_days")
    try:
        with transaction.atomic():
            rules.save()
    except IntegrityError:
        # Two admins saving the tenant's first rules at once: the other one's row exists now.
        raise ValidationFailed(_("Someone else saved the rules a moment ago: reload the page and try again.")) from None
    return rules


def rules_summary(rules: EngagementRules, *, currency: str) -> list[tuple[str, str]]:
    """The rules in plain words, for the public program page and the settings page: (topic, sentence), in the
    reader's language."""
    days = rules.protection_days
    items = [
        (
            _("Protection"),
            ngettext(
                "An approved registration is protected for %(days)s day from approval: during that time the deal is "
                "yours, and other partners' registrations of the same customer are turned down.",
                "An approved registration is protected for %(days)s days from approval: during that time the deal "
                "is yours, and other partners' registrations of the same customer are turned down.",
                days,
            )
            % {"days": days},
        )
    ]
    if rules.max_extensions:
        params = {"count": rules.max_extensions, "days": rules.extension_days}
        if rules.extension_approver == "channel_manager":
            extensions = ngettext(
                "While a registration is protected you can ask once for more time, up to %(days)s days each, with a "
                "reason; a channel manager decides.",
                "While a registration is protected you can ask up to %(count)s times for more time, up to %(days)s "
                "days each, with a reason; a channel manager decides.",
                rules.max_extensions,
            )
        else:
            extensions = ngettext(
                "While a registration is protected you can ask once for more time, up to %(days)s days each, with a "
                "reason; the program's admins decide.",
                "While a registration is protected you can ask up to %(count)s times for more time, up to %(days)s "
                "days each, with a reason; the program's admins decide.",
                rules.max_extensions,
            )
        items.append((_("Extensions"), extensions % params))
    else:
        items.append((_("Extensions"), _("Protection cannot be extended: register again when it has ended.")))
    if rules.expiry_warning_days:
        expiry = ngettext(
            "A protected deal that is neither won nor lost when its protection ends expires. We warn you %(days)s "
            "day before.",
            "A protected deal that is neither won nor lost when its protection ends expires. We warn you %(days)s "
            "days before.",
            rules.expiry_warning_days,
        ) % {"days": rules.expiry_warning_days}
    else:
        expiry = _("A protected deal that is neither won nor lost when its protection ends expires.")
    items.append((_("Expiry"), expiry))
    if rules.conflict_policy == ConflictPolicy.FIRST_COME:
        conflicts = _(
            "First come, first served: when another partner already holds an approved registration of the same "
            "customer, a new registration is turned down at once. Any other overlap — with a registration still "
            "in review, or with the vendor's own sales team — is decided by a channel manager."
        )
    else:
        conflicts = _(
            "When a registration overlaps with another partner's or with the vendor's own sales team, a channel "
            "manager reviews both and decides; the earlier registration counts in its favour."
        )
    items.append((_("Conflicts"), conflicts))
    if rules.minimum_amount:
        minimum = _("Deals of at least %(amount)s can be registered.") % {
            "amount": money(rules.minimum_amount, currency)
        }
    else:
        minimum = _("Deals of any size can be registered.")
    items.append((_("Minimum deal size"), minimum))
    sla = rules.review_sla_business_days
    review = ngettext(
        "A channel manager decides within %(days)s business day of submission (Monday to Friday). While we wait "
        "for an answer from you, the clock stops.",
        "A channel manager decides within %(days)s business days of submission (Monday to Friday). While we wait "
        "for an answer from you, the clock stops.",
        sla,
    ) % {"days": sla}
    items.append((_("Review"), review))
    if rules.auto_approve:
        if rules.auto_approve_max_amount:
            automatic = _(
                "Registrations with no conflict, from partners in good standing and amounts up to %(amount)s, are "
                "approved at once."
            ) % {"amount": money(rules.auto_approve_max_amount, currency)}
        else:
            automatic = _("Registrations with no conflict, from partners in good standing, are approved at once.")
    else:
        automatic = _("Every registration is approved by a channel manager.")
    items.append((_("Automatic approval"), automatic))
    return items
