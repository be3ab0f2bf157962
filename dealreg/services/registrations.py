"""A partner's side of a registration: create (draft), change it before review, submit it, answer a question,
withdraw it.

Submitting applies the rules of engagement at once: the customer is screened for conflicts (other partners'
registrations, the vendor's CRM), a duplicate of the partner's own registration is refused, a conflict with
another partner's approved registration under the first-come policy is turned down, a clean registration of a
partner in good standing may be approved automatically, and anything else waits for a channel manager within the
review SLA.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from dealreg.models import (
    AttributionRole,
    CrmOpportunity,
    DealActivity,
    DealActivityKind,
    DealLineItem,
    DealParticipant,
    DealRegistration,
    DealStatus,
    EngagementRules,
    RejectionReason,
)
from dealreg.services import screening
from dealreg.services.cleaning import (
    clean_line_items,
    clean_registration_fields,
    line_items_total,
    past_close_date_message,
    required_message,
)
from dealreg.services.common import (
    add_activity,
    check_may_register,
    deal_payload,
    is_partner_actor,
    lock,
    new_activity,
    notify_partner,
    notify_staff,
    owning_channel_managers,
    refuse,
    reviewing_channel_managers,
    shown_date,
    shown_money,
    shown_time,
    status_label,
    user_of,
)
from dealreg.services.partner_terms import auto_approve_limit_for
from dealreg.services.review import approve as _approve
from dealreg.services.review import reject as _reject
from dealreg.services.rules import engagement_rules_get
from dealreg.services.sla import add_business_days, resumed_due_at
from partners.selectors import PartnerStatus, partner_get
from prm.cleaning import clean_text
from prm.errors import InvalidTransition, ValidationFailed
from prm.events import record_event, record_events
from prm.i18n import lazy_format
from prm.policy import Actor, ProgramActor
from prm.tenancy import current_tenant

if TYPE_CHECKING:
    from partners.models import PartnerOrganization

# A registration can be changed until a channel manager starts reviewing it (and again while they wait for an
# answer from the partner).
EDITABLE_STATUSES = frozenset({DealStatus.DRAFT, DealStatus.SUBMITTED, DealStatus.INFO_REQUESTED})
# Partners in these statuses may register deals (onboarding partners too: a first deal is an onboarding step).
REGISTERING_PARTNER_STATUSES = frozenset({PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING})

ANSWER_MAX_LENGTH = 5000
CUSTOMER_FIELDS = frozenset({"customer_name", "customer_website", "customer_country"})
# The timeline says which fields a change touched, in words.
CHANGED_FIELD_LABELS = {
    "customer_name": gettext_lazy("customer name"),
    "customer_website": gettext_lazy("customer website"),
    "customer_country": gettext_lazy("customer country"),
    "customer_region": gettext_lazy("customer region"),
    "customer_industry": gettext_lazy("customer industry"),
    "customer_size": gettext_lazy("customer size"),
    "contact_name": gettext_lazy("contact name"),
    "contact_email": gettext_lazy("contact email"),
    "contact_phone": gettext_lazy("contact phone"),
    "contact_title": gettext_lazy("contact title"),
    "title": gettext_lazy("title"),
    "amount": gettext_lazy("amount"),
    "currency": gettext_lazy("currency"),
    "expected_close_date": gettext_lazy("expected close date"),
    "stage": gettext_lazy("stage"),
    "deal_type": gettext_lazy("deal type"),
    "revenue_type": gettext_lazy("revenue type"),
    "term_months": gettext_lazy("term"),
    "annual_recurring_value": gettext_lazy("annual recurring value"),
    "campaign_code": gettext_lazy("campaign code"),
    "description": gettext_lazy("description"),
    "external_id": gettext_lazy("external id"),
    "crm_opportunity": gettext_lazy("crm opportunity"),
    "line_items": gettext_lazy("line items"),
}


def resolve_crm_opportunity(actor: Actor, value) -> CrmOpportunity | None:
    """A CRM opportunity named by its external id: only staff and tenant keys link one (a partner must not learn
    which opportunities the vendor's CRM holds)."""
    if value in (None, ""):
        return None
    if is_partner_actor(actor):
        raise ValidationFailed(_("Only the vendor links a registration to a CRM opportunity."), field="crm_opportunity")
    if isinstance(value, CrmOpportunity):
        return value
    external_id = clean_text(value, field="crm_opportunity", max_length=100)
    opportunity = CrmOpportunity.objects.filter(external_id=external_id).first()
    if opportunity is None:
        raise ValidationFailed(
            _("There is no CRM opportunity with the external id “%(external_id)s”.") % {"external_id": external_id},
            field="crm_opportunity",
        )
    return opportunity


def _check_external_id(external_id: str, *, registration_id: int | None = None) -> None:
    if not external_id:
        return
    taken = DealRegistration.objects.filter(external_id=external_id).exclude(pk=registration_id)
    if taken.exists():
        raise ValidationFailed(_("Another registration already has this external id."), field="external_id")


def _check_partner_may_register(partner: PartnerOrganization) -> None:
    if partner.status not in REGISTERING_PARTNER_STATUSES:
        raise ValidationFailed(
            _("%(partner)s has the status “%(status)s”: only active or onboarding partners register deals.")
            % {"partner": partner.name, "status": partner.get_status_display()},
            field="partner_organization",
        )


def _write_line_items(registration: DealRegistration, items, *, replace: bool = True) -> None:
    if replace:
        registration.line_items.all().delete()
    if not items:
        return
    DealLineItem.objects.bulk_create(
        [
            DealLineItem(
                registration=registration,
                product=item.product,
                quantity=item.quantity,
                unit_price=item.price,
                partner_delivered_service=item.partner_delivered_service,
            )
            for item in items
        ]
    )


def _screen_customer(registration: DealRegistration) -> None:
    registration.match_keys = screening.match_keys(registration.customer_name, registration.customer_domain)


# Use cases --------------------------------------------------------------------------------------------------------


def deal_create(
    *,
    actor: Actor,
    partner_organization: PartnerOrganization | None = None,
    line_items: list | None = None,
    submit: bool = False,
    **fields,
) -> DealRegistration:
    """A partner user registers a deal for its own organization (a reviewer may register on a partner's behalf).
    It starts as a draft, or is submitted at once with `submit=True`. With line items from the catalogue the
    amount is their total. Every field, and with `submit=True` every rule of submission, is checked (field-named
    errors) before anything is written."""
    if is_partner_actor(actor):
        if partner_organization is not None and partner_organization.pk != actor.partner_organization_id:
            raise ValidationFailed(
                _("You register deals for your own organization only."), field="partner_organization"
            )
        partner_organization = partner_get(partner_id=actor.partner_organization_id)
    elif partner_organization is None:
        check_may_register(actor, None)
        raise ValidationFailed(_("Choose the partner this deal is registered for."), field="partner_organization")
    check_may_register(actor, partner_organization)
    _check_partner_may_register(partner_organization)
    has_items = bool(line_items)
    cleaned = clean_registration_fields(fields, creating=True, has_line_items=has_items)
    items = clean_line_items(line_items) if has_items else []
    if items:
        cleaned["amount"] = line_items_total(items)
    cleaned["crm_opportunity"] = resolve_crm_opportunity(actor, cleaned.get("crm_opportunity"))
    domain = screening.customer_domain(cleaned.get("customer_website", ""))
    _check_external_id(cleaned.get("external_id", ""))
    registration = DealRegistration(
        partner_organization=partner_organization,
        registered_by=user_of(actor),
        status=DealStatus.DRAFT,
        customer_domain=domain,
        **cleaned,
    )
    if not registration.title:
        registration.title = registration.customer_name[:255]
    _screen_customer(registration)
    # A new registration is screened as its submission would be (there is no row to leave out yet).
    screened = _screen_submission(registration, partner_organization) if submit else None
    if screened is not None:
        # Submitted at once: the row is written once, already submitted (an INSERT then an UPDATE would fire the
        # history, match-key and conflict triggers twice; the UPDATE alone was a fifth of a submit's time).
        _mark_submitted(registration, screened)
    # Nothing below refuses: the writes join the caller's transaction without a savepoint of their own (two fewer
    # round trips); an unexpected error rolls the whole transaction back, as it would a request.
    with transaction.atomic(savepoint=False):
        registration.save(force_insert=True)
        _write_line_items(registration, items, replace=False)
        # The registering partner sourced the deal: all of it, until staff share it with others.
        DealParticipant.objects.create(
            registration=registration,
            partner_organization=partner_organization,
            role=AttributionRole.SOURCED,
            share=Decimal("100"),
            added_by=user_of(actor),
        )
        created = _Step(
            activity=new_activity(registration, DealActivityKind.CREATED, actor=actor, to_status=DealStatus.DRAFT),
            # The registering step's event says what that step made: a draft (even when submitted in the same call).
            event=("deal.created", registration, {**deal_payload(registration), "status": DealStatus.DRAFT}),
        )
        if screened is None:
            _write_steps(actor, [created])
            return registration
        # Submitted at once: both steps' timeline entries and events are written together.
        return _submit(actor=actor, registration=registration, screened=screened, earlier=created)


@transaction.atomic
def deal_update(
    *, actor: Actor, registration: DealRegistration, line_items: list | None = None, **fields
) -> DealRegistration:
    """Change a registration before a channel manager starts reviewing it (draft, submitted) or while they wait
    for the partner's answer. A changed customer is screened again for conflicts."""
    registration = lock(registration)
    check_may_register(actor, registration)
    if registration.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            _(
                "A registration with the status “%(status)s” can no longer be changed: only drafts, and submitted "
                "registrations not yet under review, can."
            )
            % {"status": status_label(registration.status)},
            field="status",
        )
    if "partner_organization" in fields:
        organization = fields.pop("partner_organization")
        if (
            organization is not None
            and getattr(organization, "pk", organization) != registration.partner_organization_id
        ):
            raise ValidationFailed(_("A registration stays with its partner."), field="partner_organization")
    has_items = line_items is not None and len(line_items) > 0
    cleaned = clean_registration_fields(fields, creating=False, has_line_items=has_items)
    if "crm_opportunity" in cleaned:
        cleaned["crm_opportunity"] = resolve_crm_opportunity(actor, cleaned["crm_opportunity"])
    if "customer_website" in cleaned:
        cleaned["customer_domain"] = screening.customer_domain(cleaned["customer_website"])
    if "external_id" in cleaned:
        _check_external_id(cleaned["external_id"], registration_id=registration.pk)
    items = clean_line_items(line_items) if has_items else None
    if items is not None:
        cleaned["amount"] = line_items_total(items)
    changed = sorted(field for field, value in cleaned.items() if getattr(registration, field) != value)
    if line_items is not None:
        changed.append("line_items")
    for field, value in cleaned.items():
        setattr(registration, field, value)
    customer_changed = bool(CUSTOMER_FIELDS.intersection(changed) or "customer_domain" in changed)
    if customer_changed:
        _screen_customer(registration)
        if registration.status != DealStatus.DRAFT:
            conflicts = screening.find(_customer_of(registration), exclude_registration_id=registration.pk)
            _refuse_duplicates(registration, conflicts)
            registration.conflicts = conflicts
    if not changed:
        return registration
    registration.save()
    if line_items is not None:
        _write_line_items(registration, items or [])
    labels = ", ".join(str(CHANGED_FIELD_LABELS.get(field, field)) for field in changed if field != "customer_domain")
    add_activity(
        registration, DealActivityKind.UPDATED, actor=actor, message=_("Changed: %(fields)s.") % {"fields": labels}
    )
    record_event("deal.updated", subject=registration, payload=deal_payload(registration, changed=changed), actor=actor)
    return registration


def _customer_of(registration: DealRegistration) -> screening.Customer:
    return screening.Customer(registration.customer_name, registration.customer_domain, registration.customer_country)


def _refuse_duplicates(registration: DealRegistration, conflicts: list[dict]) -> None:
    """The partner's own active registration of the same customer: refused with the one to update instead."""
    duplicates = screening.duplicates(conflicts, registration.partner_organization_id)
    if not duplicates:
        return
    existing = DealRegistration.objects.filter(pk=duplicates[0]["id"]).only("pk", "status", "customer_name").first()
    if existing is None:
        message = _(
            "Your organization already registered this customer. Update that registration instead of registering "
            "the customer again."
        )
    else:
        message = _(
            "Your organization already registered this customer: registration #%(id)s (%(customer)s, %(status)s). "
            "Update that registration instead of registering the customer again."
        ) % {"id": existing.pk, "customer": existing.customer_name, "status": existing.get_status_display()}
    raise ValidationFailed(message, field="customer_name")


def _check_submittable(registration: DealRegistration, rules) -> None:
    if not registration.customer_name.strip():
        raise ValidationFailed(required_message("customer_name"), field="customer_name")
    if registration.expected_close_date < timezone.localdate():
        raise ValidationFailed(past_close_date_message(), field="expected_close_date")
    minimum = rules.minimum_amount or Decimal("0")
    # The minimum is in the program's base currency; amounts in other currencies are left to the reviewer.
    if minimum and registration.currency == current_tenant().base_currency and registration.amount < minimum:
        raise ValidationFailed(
            _("The program registers deals of at least %(amount)s.")
            % {"amount": shown_money(minimum, registration.currency)},
            field="amount",
        )


def _first_come_winner(registration: DealRegistration, conflicts: list[dict]) -> DealRegistration | None:
    """Another partner's approved registration of the same customer (a strong match): under first come, first
    served, it holds the customer."""
    ids = [
        c["id"]
        for c in conflicts
        if c["kind"] == "registration"
        and c.get("partner_organization_id") != registration.partner_organization_id
        and c["score"] >= screening.FIRST_COME_SCORE
    ]
    if not ids:
        return None
    return DealRegistration.objects.filter(pk__in=ids, status=DealStatus.APPROVED).order_by("approved_at").first()


def _auto_approvable(registration: DealRegistration, rules, partner: PartnerOrganization) -> bool:
    """No conflict at all, the partner in good standing (active), the amount within the limit (which is in the
    program's base currency: another currency is not approved automatically when there is a limit)."""
    if not rules.auto_approve or registration.conflicts or partner.status != PartnerStatus.ACTIVE:
        return False
    limit = auto_approve_limit_for(partner.pk, rules)
    if limit is None:
        return True
    return registration.currency == current_tenant().base_currency and registration.amount <= limit


@dataclass(frozen=True)
class _Step:
    """A step's timeline entry (unsaved) and event (type, subject, payload), written with the next step's."""

    activity: DealActivity
    event: tuple[str, DealRegistration, dict]


def _write_steps(actor: Actor, steps: list[_Step]) -> None:
    DealActivity.objects.bulk_create([step.activity for step in steps])
    record_events([step.event for step in steps], actor=actor)


@transaction.atomic
def deal_submit(*, actor: Actor, registration: DealRegistration) -> DealRegistration:
    """Submit a draft for review, applying the rules of engagement (see the module's docstring). Sets the review
    SLA (business days from now) and records `deal.submitted` (with the partner: onboarding's first-deal step and
    the partner's time to value follow it). The rules' own decisions are the program's (`ProgramActor`)."""
    registration = lock(registration)
    check_may_register(actor, registration)
    if registration.status == DealStatus.INFO_REQUESTED:
        raise InvalidTransition(
            _(
                "This registration waits for your answer to the channel manager's question: answer it to send the "
                "registration back for review."
            ),
            field="status",
        )
    if registration.status != DealStatus.DRAFT:
        raise refuse(registration, DealStatus.SUBMITTED)
    # lock() read the partner with the row, as it is now.
    _screen_customer(registration)
    screened = _screen_submission(registration, registration.partner_organization)
    return _submit(actor=actor, registration=registration, screened=screened)


@dataclass(frozen=True)
class _Screened:
    partner: PartnerOrganization
    rules: EngagementRules
    conflicts: list[dict]


def _screen_submission(registration: DealRegistration, partner: PartnerOrganization) -> _Screened:
    """Every check of a submission (reads only, refusals raised): the partner may register, the registration
    meets the rules, and it is not a duplicate of the partner's own; with the rules and conflicts found."""
    _check_partner_may_register(partner)
    rules = engagement_rules_get()
    _check_submittable(registration, rules)
    conflicts = screening.find(_customer_of(registration), exclude_registration_id=registration.pk)
    _refuse_duplicates(registration, conflicts)
    return _Screened(partner, rules, conflicts)


def _mark_submitted(registration: DealRegistration, screened: _Screened) -> None:
    now = timezone.now()
    registration.status = DealStatus.SUBMITTED
    registration.submitted_at = now
    registration.review_due_at = add_business_days(now, screened.rules.review_sla_business_days)
    registration.conflicts = screened.conflicts


def _submit(
    *, actor: Actor, registration: DealRegistration, screened: _Screened, earlier: _Step | None = None
) -> DealRegistration:
    """deal_submit's writes on a locked, screened draft, in the caller's transaction; `earlier` is the step just
    taken in the same use case (registering the draft, whose row deal_create wrote already submitted), written
    together with the submission's."""
    partner, rules, conflicts = screened.partner, screened.rules, screened.conflicts
    if earlier is None:
        _mark_submitted(registration, screened)
        registration.save()
    submitted = _Step(
        activity=new_activity(
            registration,
            DealActivityKind.SUBMITTED,
            actor=actor,
            from_status=DealStatus.DRAFT,
            to_status=DealStatus.SUBMITTED,
        ),
        event=("deal.submitted", registration, deal_payload(registration, conflict_count=len(conflicts))),
    )
    _write_steps(actor, [step for step in (earlier, submitted) if step is not None])

    # The rules decide by themselves from here: the program acts, so no person is named as the decider.
    program = ProgramActor(registration.tenant_id)
    if rules.conflict_policy == "first_come" and (winner := _first_come_winner(registration, conflicts)):
        _reject(
            registration,
            actor=program,
            reason=RejectionReason.DUPLICATE,
            note=_(
                "Another partner already holds an approved registration of this customer (first come, first "
                "served) until %(date)s."
            )
            % {"date": shown_date(winner.protected_until)}
            if winner.protected_until
            else _(
                "Another partner already holds an approved registration of this customer (first come, first served)."
            ),
            winner_id=winner.pk,
        )
    elif _auto_approvable(registration, rules, partner):
        _approve(registration, actor=program, rules=rules, auto=True)
    else:
        notify_staff(
            reviewing_channel_managers(partner),
            registration,
            kind="deal.submitted",
            title=lazy_format(
                gettext_lazy("%(partner)s registered %(customer)s"),
                partner=partner.name,
                customer=registration.customer_name,
            ),
            body=lazy_format(
                ngettext_lazy(
                    "%(amount)s · %(count)s possible conflict. Review due %(due)s.",
                    "%(amount)s · %(count)s possible conflicts. Review due %(due)s.",
                    len(conflicts),
                )
                if conflicts
                else gettext_lazy("%(amount)s. Review due %(due)s."),
                amount=shown_money(registration.amount, registration.currency),
                count=len(conflicts),
                due=shown_time(registration.review_due_at),
            ),
        )
    return registration


@transaction.atomic
def deal_answer(*, actor: Actor, registration: DealRegistration, answer: str) -> DealRegistration:
    """The partner answers the channel manager's question: the registration goes back to review, and the review
    SLA resumes for the business time that was left when the question was asked."""
    registration = lock(registration)
    check_may_register(actor, registration)
    if registration.status != DealStatus.INFO_REQUESTED:
        raise refuse(registration, DealStatus.SUBMITTED)
    answer = clean_text(answer, field="answer", max_length=ANSWER_MAX_LENGTH, required=_("Write your answer."))
    asked = registration.activities.filter(kind=DealActivityKind.INFO_REQUESTED).order_by("-created_at", "-id").first()
    now = timezone.now()
    if registration.review_due_at is not None:
        paused_at = asked.created_at if asked else now
        registration.review_due_at = resumed_due_at(
            due_at=registration.review_due_at, paused_at=paused_at, resumed_at=now
        )
    registration.status = DealStatus.SUBMITTED
    registration.save(update_fields=["status", "review_due_at", "updated_at"])
    add_activity(
        registration,
        DealActivityKind.INFO_PROVIDED,
        actor=actor,
        message=answer,
        from_status=DealStatus.INFO_REQUESTED,
        to_status=DealStatus.SUBMITTED,
    )
    record_event(
        "deal.updated", subject=registration, payload=deal_payload(registration, info_provided=True), actor=actor
    )
    asker = [asked.actor] if asked and asked.actor_id else owning_channel_managers(registration.partner_organization)
    notify_staff(
        asker,
        registration,
        kind="deal.info_provided",
        title=lazy_format(
            gettext_lazy("%(partner)s answered your question about %(customer)s"),
            partner=registration.partner_organization.name,
            customer=registration.customer_name,
        ),
        body=answer[:300],
    )
    return registration


@transaction.atomic
def deal_withdraw(*, actor: Actor, registration: DealRegistration, reason: str = "") -> DealRegistration:
    """The partner (or a reviewer) withdraws a registration that is not closed yet; an approved one gives up its
    protection."""
    registration = lock(registration)
    check_may_register(actor, registration)
    if not registration.can_transition_to(DealStatus.WITHDRAWN):
        raise refuse(registration, DealStatus.WITHDRAWN)
    reason = clean_text(reason, field="reason", max_length=500)
    before = registration.status
    registration.status = DealStatus.WITHDRAWN
    registration.save(update_fields=["status", "updated_at"])
    add_activity(
        registration,
        DealActivityKind.WITHDRAWN,
        actor=actor,
        message=reason,
        from_status=before,
        to_status=DealStatus.WITHDRAWN,
    )
    record_event(
        "deal.withdrawn",
        subject=registration,
        payload=deal_payload(registration, reason=reason, previous_status=before),
        actor=actor,
    )
    if not is_partner_actor(actor):
        notify_partner(
            registration,
            kind="deal.closed",
            title=lazy_format(
                gettext_lazy("Your registration of %(customer)s was withdrawn"), customer=registration.customer_name
            ),
            body=reason,
        )
    return registration
