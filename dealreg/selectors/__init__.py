"""Reads of deal registration, scoped to the current tenant (and to the acting partner's own organization), each
list in a fixed number of queries.

Later work (tiering, MDF ROI, analytics) reads deal data through this module only: the revenue selectors at the end
(`sourced_revenue_by_partner`, `influenced_revenue_by_partner`, `attributed_revenue`) are its contract.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Round
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from dealreg import matching
from dealreg.models import (
    ACTIVE_DEAL_STATUSES,
    AWAITING_REVIEW_STATUSES,
    AttributionRole,
    CrmAccount,
    CrmOpportunity,
    DealActivity,
    DealConflict,
    DealExtensionRequest,
    DealParticipant,
    DealRegistration,
    DealStatus,
    ExtensionStatus,
    InfluenceClaim,
    InfluenceClaimStatus,
    Product,
)
from dealreg.services.rules import engagement_rules_get
from prm.templatetags.prm_format import money

# What the review queue holds: waiting for a decision, or for the partner's answer (SLA paused).
QUEUE_STATUSES = (*AWAITING_REVIEW_STATUSES, DealStatus.INFO_REQUESTED)

DEAL_ORDERINGS = {
    "oldest": (F("submitted_at").asc(nulls_last=True), "id"),
    "newest": (F("submitted_at").desc(nulls_last=True), "-id"),
    "due": (F("review_due_at").asc(nulls_last=True), "id"),
    "amount": ("-amount", "id"),
    "-amount": ("amount", "id"),
    "customer": ("customer_name", "id"),
    "created": ("-created_at", "-id"),
    "protection": (F("protected_until").asc(nulls_last=True), "id"),
}
DEAL_ORDERING_LABELS = {
    "oldest": gettext_lazy("Oldest first"),
    "newest": gettext_lazy("Newest first"),
    "due": gettext_lazy("Review due first"),
    "amount": gettext_lazy("Largest amount"),
    "-amount": gettext_lazy("Smallest amount"),
    "customer": gettext_lazy("Customer (A–Z)"),
    "created": gettext_lazy("Recently created"),
    "protection": gettext_lazy("Protection ending first"),
}


def _base() -> QuerySet[DealRegistration]:
    return DealRegistration.objects.select_related("partner_organization", "registered_by", "assigned_to")


# Who sees a registration ---------------------------------------------------------------------------------------
# Decided here once, for the pages and the API alike: staff see every registration of the tenant; a partner sees its
# own organization's, and — read-only — the registrations of other partners it takes part in (a DealParticipant:
# added by staff, by the CRM or by an accepted influence claim). Anything else is a 404.


def shared_registration_ids(partner_organization_id: int) -> list[int]:
    """The other partners' registrations a partner takes part in (one query, on the participants' partner index).
    Read first so that the list's own query stays two index lookups (its own rows OR these ids), never a scan."""
    return list(
        DealParticipant.objects.filter(partner_organization_id=partner_organization_id, registration__isnull=False)
        .exclude(registration__partner_organization_id=partner_organization_id)
        .values_list("registration_id", flat=True)
    )


def visible_registrations_filter(actor) -> Q:
    """The filter of the registrations a partner actor may read: its own, and those it takes part in. An empty Q
    (everything of the tenant) for staff."""
    if not getattr(actor, "is_partner_role", False):
        return Q()
    organization_id = actor.partner_organization_id
    shared = shared_registration_ids(organization_id)
    own = Q(partner_organization_id=organization_id)
    return own | Q(pk__in=shared) if shared else own


def with_viewer_participation(queryset: QuerySet[DealRegistration], actor) -> QuerySet[DealRegistration]:
    """Each registration with the partner actor's own part in it (`viewer_role`, `viewer_share`; None when it has
    none), in the list's own query."""
    if not getattr(actor, "is_partner_role", False):
        return queryset
    mine = DealParticipant.objects.filter(
        registration=OuterRef("pk"), partner_organization_id=actor.partner_organization_id
    ).order_by("id")
    return queryset.annotate(
        viewer_role=Subquery(mine.values("role")[:1]),
        viewer_share=Subquery(mine.values("share")[:1]),
    )


def is_shared_with(actor, registration: DealRegistration) -> bool:
    """True when a partner actor reads another partner's registration it takes part in (read-only for it)."""
    return bool(
        getattr(actor, "is_partner_role", False)
        and registration.partner_organization_id != actor.partner_organization_id
    )


def registrations_visible_to(actor) -> QuerySet[DealRegistration]:
    """Every registration of the tenant for staff; for a partner, its own organization's and the ones it takes part
    in (visible_registrations_filter), each with its own role and share (with_viewer_participation)."""
    queryset = _base()
    if getattr(actor, "is_partner_role", False):
        queryset = with_viewer_participation(queryset.filter(visible_registrations_filter(actor)), actor)
    return queryset


def deal_list(*, actor, ordering: str = "created") -> QuerySet[DealRegistration]:
    """Registrations the actor may see, sorted (DEAL_ORDERINGS); DealFilterSet narrows them. For staff, each with
    its current conflicts counted (`conflict_count()`)."""
    order = DEAL_ORDERINGS.get(ordering, DEAL_ORDERINGS["created"])
    queryset = registrations_visible_to(actor)
    if not getattr(actor, "is_partner_role", False):
        queryset = with_conflict_counts(queryset)  # staff see each registration's conflicts as they stand now
    return queryset.order_by(*order)


def deal_queue(*, ordering: str = "oldest") -> QuerySet[DealRegistration]:
    """The review queue: registrations waiting for a decision or for the partner's answer, oldest first, each with
    its current conflicts counted (`conflict_count()`)."""
    order = DEAL_ORDERINGS.get(ordering, DEAL_ORDERINGS["oldest"])
    return with_conflict_counts(_base().filter(status__in=QUEUE_STATUSES)).order_by(*order)


# Conflicts as they stand now -----------------------------------------------------------------------------------
# With other registrations: DealConflict, both ways, counting while the other registration is active. With the
# vendor's CRM: the accounts and open opportunities found at screening (the `conflicts` column).

CRM_CONFLICT_KINDS = ("crm_account", "crm_opportunity")


def current_registration_conflicts() -> QuerySet[DealConflict]:
    """Pairs of registrations that count as conflicts now: the other one is still active."""
    return DealConflict.objects.filter(other__status__in=ACTIVE_DEAL_STATUSES)


def with_conflict_counts(queryset: QuerySet[DealRegistration]) -> QuerySet[DealRegistration]:
    """Each registration with `registration_conflict_count`: the active registrations of the same customer, earlier
    or later (one subquery in the list's own query)."""
    counted = (
        current_registration_conflicts()
        .filter(registration=OuterRef("pk"))
        .order_by()
        .values("registration")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(
        registration_conflict_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    )


def has_current_conflicts() -> Q:
    """A filter: registrations with a conflict now (a CRM record found at screening, or an active registration of the
    same customer, earlier or later)."""
    crm = Q()
    for kind in CRM_CONFLICT_KINDS:
        crm |= Q(conflicts__contains=[{"kind": kind}])
    return crm | Q(Exists(current_registration_conflicts().filter(registration=OuterRef("pk"))))


def crm_conflicts(registration: DealRegistration) -> list[dict]:
    """The CRM accounts and opportunities found at screening, one entry per record."""
    found, listed = [], set()
    for conflict in registration.conflicts or []:
        key = (conflict.get("kind"), conflict.get("id"))
        if key[0] in CRM_CONFLICT_KINDS and key not in listed:
            listed.add(key)
            found.append(conflict)
    return found


def api_conflicts(registration: DealRegistration) -> list[dict] | None:
    """For staff through the API, the conflicts as they stand now (`{kind, id, score, reason}`, best first): None
    when the registration was not read with its pairs (deal_api_queryset(staff=True))."""
    if not hasattr(registration, "current_pairs"):
        return None
    found = [
        {"kind": "registration", "id": pair.other_id, "score": pair.score, "reason": matching.reason_text(pair.reason)}
        for pair in registration.current_pairs
    ]
    found += [
        {
            "kind": c["kind"],
            "id": c["id"],
            "score": c.get("score", 0),
            "reason": matching.reason_text(c.get("reason", "")),
        }
        for c in crm_conflicts(registration)
    ]
    return sorted(found, key=lambda conflict: -conflict["score"])


def conflict_count(registration: DealRegistration) -> int:
    """How many conflicts a registration has now, for a list annotated by with_conflict_counts()."""
    return len(crm_conflicts(registration)) + getattr(registration, "registration_conflict_count", 0)


def _api_prefetches() -> tuple[Prefetch, ...]:
    return (
        Prefetch("line_items", queryset=_line_items()),
        Prefetch("participants", queryset=DealParticipant.objects.order_by("-share", "id")),
    )


def deal_api_queryset(*, staff: bool = False) -> QuerySet[DealRegistration]:
    """Registrations for the API: their line items (with products) and participants in two more queries; for staff,
    their conflicts with other registrations as they stand now (`current_pairs`, for api_conflicts()) in a third."""
    queryset = DealRegistration.objects.select_related("crm_opportunity", "registered_by").prefetch_related(
        *_api_prefetches()
    )
    if staff:
        pairs = current_registration_conflicts().order_by("-score", "other_id")
        queryset = queryset.prefetch_related(Prefetch("conflict_links", queryset=pairs, to_attr="current_pairs"))
    return queryset


def deal_api_created(registration: DealRegistration) -> DealRegistration:
    """A registration a use case has just created (and maybe submitted), as the API shows it: its line items and
    participants in two queries. Its own row is not read again: the use case's object is what it wrote."""
    prefetch_related_objects([registration], *_api_prefetches())
    return registration


def _line_items():
    from dealreg.models import DealLineItem

    return DealLineItem.objects.select_related("product").order_by("id")


def deal_get(*, actor, registration_id) -> DealRegistration | None:
    """One registration the actor may see, with its line items and products, or None."""
    return (
        registrations_visible_to(actor)
        .select_related("decided_by", "crm_opportunity")
        .prefetch_related(Prefetch("line_items", queryset=_line_items()))
        .filter(pk=registration_id)
        .first()
    )


def deal_timeline(registration: DealRegistration, *, for_partner: bool) -> list[DealActivity]:
    """The registration's timeline, oldest first; a partner sees only the entries marked for partners."""
    queryset = registration.activities.select_related("actor").order_by("created_at", "id")
    if for_partner:
        queryset = queryset.filter(visible_to_partner=True)
    return list(queryset)


def deal_participants(registration: DealRegistration) -> list[DealParticipant]:
    return list(registration.participants.select_related("partner_organization").order_by("-share", "id"))


def deal_extensions(registration: DealRegistration) -> list[DealExtensionRequest]:
    return list(registration.extension_requests.select_related("requested_by", "decided_by").order_by("-created_at"))


def pending_extension(registration: DealRegistration) -> DealExtensionRequest | None:
    return registration.extension_requests.filter(status=ExtensionStatus.PENDING).first()


def extension_get(*, registration: DealRegistration, extension_id) -> DealExtensionRequest | None:
    return registration.extension_requests.filter(pk=extension_id).first()


def products_for_registration() -> QuerySet[Product]:
    return Product.objects.filter(is_active=True).order_by("name")


@dataclass
class ConflictRecord:
    """A conflict beside the decision: what it is, its status, who holds it and where to read its history."""

    kind: str
    id: int
    score: float
    reason: str
    name: str = ""
    status: str = ""
    holder: str = ""
    detail: str = ""
    url_id: int | None = None  # a registration's id, for its page (and history)
    missing: bool = False
    later: bool = False  # a registration submitted after this one


def conflict_records(registration: DealRegistration) -> list[ConflictRecord]:
    """The registration's conflicts as they stand now, best first, each with the record as it is now: the active
    registrations of the same customer, earlier or later (DealConflict, both ways), and the CRM accounts and
    opportunities found at screening. Three queries at most (pairs with their registrations, CRM accounts, CRM
    opportunities), whatever their number. For staff only."""
    crm = crm_conflicts(registration)
    by_kind = defaultdict(list)
    for conflict in crm:
        by_kind[conflict.get("kind")].append(conflict.get("id"))
    accounts = (
        {a.pk: a for a in CrmAccount.objects.filter(pk__in=by_kind["crm_account"])} if by_kind["crm_account"] else {}
    )
    opportunities = (
        {o.pk: o for o in CrmOpportunity.objects.filter(pk__in=by_kind["crm_opportunity"])}
        if by_kind["crm_opportunity"]
        else {}
    )
    pairs = (
        current_registration_conflicts()
        .filter(registration=registration)
        .select_related("other__partner_organization")
        .order_by("-score", "other_id")
    )
    records = []
    for pair in pairs:
        other = pair.other
        records.append(
            ConflictRecord(
                kind="registration",
                id=other.pk,
                score=pair.score,
                reason=matching.reason_text(pair.reason),
                name=other.customer_name,
                status=other.get_status_display(),
                holder=other.partner_organization.name,
                detail=" · ".join([_registration_dates(other), money(other.amount, other.currency)]),
                url_id=other.pk,
                later=bool(
                    other.submitted_at and registration.submitted_at and other.submitted_at > registration.submitted_at
                ),
            )
        )
    for conflict in crm:
        kind, record_id = conflict.get("kind"), conflict.get("id")
        reason = matching.reason_text(conflict.get("reason", ""))
        record = ConflictRecord(kind=kind, id=record_id, score=conflict.get("score", 0), reason=reason)
        if kind == "crm_account" and (account := accounts.get(record_id)):
            record.name = account.name
            record.status = _("Customer") if account.is_customer else _("Account")
            record.holder = account.owner_name or account.owner_email or _("Direct sales")
            record.detail = " · ".join(filter(None, [account.domain, account.country, f"CRM {account.external_id}"]))
        elif kind == "crm_opportunity" and (opportunity := opportunities.get(record_id)):
            record.name = f"{opportunity.customer_name}: {opportunity.name}"
            record.status = (
                pgettext("deal status", "Won")
                if opportunity.is_won
                else (_("Closed") if opportunity.is_closed else opportunity.stage or _("Open"))
            )
            record.holder = opportunity.owner_name or opportunity.owner_email or _("Direct sales")
            amount = money(opportunity.amount, opportunity.currency) if opportunity.amount is not None else ""
            close = (
                _("closes %(date)s") % {"date": date_format(opportunity.close_date, "DATE_FORMAT")}
                if opportunity.close_date
                else ""
            )
            record.detail = " · ".join(filter(None, [amount, close, f"CRM {opportunity.external_id}"]))
        else:
            record.missing = True
        records.append(record)
    # Best first across both sources (a stable sort keeps each source's own order on equal scores).
    return sorted(records, key=lambda record: -record.score)


def _registration_dates(other: DealRegistration) -> str:
    """When a conflicting registration was submitted and how long it is protected, in the reader's words."""
    if other.submitted_at is None:
        return _("Not submitted")
    submitted = date_format(timezone.localtime(other.submitted_at), "DATE_FORMAT")
    if other.protected_until:
        until = date_format(other.protected_until, "DATE_FORMAT")
        return _("Submitted %(date)s, protected until %(until)s") % {"date": submitted, "until": until}
    return _("Submitted %(date)s") % {"date": submitted}


# What the partner is expected to do ---------------------------------------------------------------------------


def expected_of_partner(registration: DealRegistration, *, today: date | None = None, warning_days: int = 14) -> str:
    """What the partner should do next about a registration, in a few words ("" when nothing)."""
    today = today or timezone.localdate()
    status = registration.status
    if status == DealStatus.DRAFT:
        return _("Finish and submit it")
    if status == DealStatus.INFO_REQUESTED:
        return _("Answer the channel manager's question")
    if status == DealStatus.APPROVED:
        if registration.expected_close_date and registration.expected_close_date < today:
            return _("The expected close date has passed: mark it won or lost")
        if registration.protected_until and registration.protected_until - today <= timedelta(days=warning_days):
            return _("Protection ends soon: close it or ask for an extension")
    return ""


def partner_deal_counts(*, partner_organization_id: int) -> dict:
    """Counts for the partner's overview (one query): registrations in each bucket that matters to it."""
    today = timezone.localdate()
    warning = engagement_rules_get().expiry_warning_days
    return DealRegistration.objects.filter(partner_organization_id=partner_organization_id).aggregate(
        open=Count("id", filter=Q(status__in=(DealStatus.SUBMITTED, DealStatus.UNDER_REVIEW))),
        questions=Count("id", filter=Q(status=DealStatus.INFO_REQUESTED)),
        protected=Count("id", filter=Q(status=DealStatus.APPROVED)),
        expiring=Count(
            "id",
            filter=Q(status=DealStatus.APPROVED, protected_until__lte=today + timedelta(days=warning)),
        ),
        won=Count("id", filter=Q(status=DealStatus.WON)),
    )


def queue_counts() -> dict:
    """Counts for the console's tile (one query): waiting for review, of which overdue."""
    now = timezone.now()
    return DealRegistration.objects.filter(status__in=AWAITING_REVIEW_STATUSES).aggregate(
        waiting=Count("id"), overdue=Count("id", filter=Q(review_due_at__lte=now))
    )


def deals_waiting_count() -> int:
    """Registrations waiting for a reviewer's decision (the Deals badge in the top bar), one query."""
    return DealRegistration.objects.filter(status__in=AWAITING_REVIEW_STATUSES).count()


def deal_export_rows(*, ordering: str = "created") -> QuerySet[DealRegistration]:
    """Registrations for the staff CSV export: partner and people joined, nothing per row."""
    order = DEAL_ORDERINGS.get(ordering, DEAL_ORDERINGS["created"])
    return with_conflict_counts(_base().select_related("decided_by", "crm_opportunity")).order_by(*order)


# Revenue attribution (read by tiering, MDF ROI and analytics) -------------------------------------------------

INFLUENCE_ROLES = (AttributionRole.INFLUENCED, AttributionRole.FULFILLMENT, AttributionRole.SERVICES)


def attributed_revenue(
    *,
    roles,
    partner_organization_ids=None,
    closed_from: date | None = None,
    closed_to: date | None = None,
) -> QuerySet:
    """Revenue of won deals attributed to partners in `roles`: for each (partner organization, currency), the sum
    of closed_amount × share / 100 over the won registrations it takes part in (rounded to cents), and how many
    deals. One SQL query; rows `{"partner_organization_id", "currency", "revenue": Decimal, "deals": int}`.
    Amounts stay in their own currency (convert to the tenant's base currency when comparing partners).
    `closed_from`/`closed_to` bound the close date, both inclusive."""
    queryset = DealParticipant.objects.filter(
        registration__status=DealStatus.WON, registration__closed_amount__isnull=False, role__in=list(roles)
    )
    if partner_organization_ids is not None:
        queryset = queryset.filter(partner_organization_id__in=list(partner_organization_ids))
    if closed_from is not None:
        queryset = queryset.filter(registration__closed_at__gte=closed_from)
    if closed_to is not None:
        queryset = queryset.filter(registration__closed_at__lte=closed_to)
    money = DecimalField(max_digits=20, decimal_places=6)
    portion = ExpressionWrapper(
        F("registration__closed_amount") * F("share") / Value(Decimal("100")), output_field=money
    )
    return (
        queryset.values("partner_organization_id", currency=F("registration__currency"))
        .annotate(
            revenue=Round(
                Coalesce(Sum(portion), Value(Decimal("0")), output_field=money),
                2,
                output_field=DecimalField(max_digits=16, decimal_places=2),
            ),
            deals=Count("registration_id", distinct=True),
        )
        .order_by("partner_organization_id", "currency")
    )


def _by_partner(rows) -> dict[int, dict[str, Decimal]]:
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        result[row["partner_organization_id"]][row["currency"]] = row["revenue"].quantize(Decimal("0.01"))
    return dict(result)


def sourced_revenue_by_partner(
    *, partner_organization_ids=None, closed_from: date | None = None, closed_to: date | None = None
) -> dict[int, dict[str, Decimal]]:
    """Sourced revenue: won deals a partner brought (role "sourced"), closed_amount × its share.
    {partner_organization_id: {currency: Decimal}} in one query; partners with none are absent."""
    return _by_partner(
        attributed_revenue(
            roles=[AttributionRole.SOURCED],
            partner_organization_ids=partner_organization_ids,
            closed_from=closed_from,
            closed_to=closed_to,
        )
    )


def influenced_revenue_by_partner(
    *, partner_organization_ids=None, closed_from: date | None = None, closed_to: date | None = None
) -> dict[int, dict[str, Decimal]]:
    """Influenced revenue: won deals a partner helped win without sourcing them (roles influenced, fulfillment /
    reseller, services), closed_amount × its share. {partner_organization_id: {currency: Decimal}}, one query."""
    return _by_partner(
        attributed_revenue(
            roles=INFLUENCE_ROLES,
            partner_organization_ids=partner_organization_ids,
            closed_from=closed_from,
            closed_to=closed_to,
        )
    )


# Influence claims and influencing partners --------------------------------------------------------------------


def influence_claims() -> QuerySet[InfluenceClaim]:
    """The tenant's influence claims, newest first, with the partner, the people and the deal joined (the API lists
    them; a partner's are narrowed to its own by the API base)."""
    return InfluenceClaim.objects.select_related(
        "partner_organization", "claimed_by", "decided_by", "registration", "crm_opportunity"
    ).order_by("-created_at", "-id")


def influence_claims_of_partner(*, partner_organization_id: int) -> QuerySet[InfluenceClaim]:
    """A partner's own claims, newest first (its claims page)."""
    return influence_claims().filter(partner_organization_id=partner_organization_id)


def influence_claim_get(*, actor, claim_id) -> InfluenceClaim | None:
    """A claim the actor may see (a partner: its own organization's), or None."""
    claims = influence_claims()
    if getattr(actor, "is_partner_role", False):
        claims = claims.filter(partner_organization_id=actor.partner_organization_id)
    return claims.filter(pk=claim_id).first()


def influence_queue() -> QuerySet[InfluenceClaim]:
    """Pending claims, oldest first (the reviewers' queue)."""
    return influence_claims().filter(status=InfluenceClaimStatus.PENDING).order_by("created_at", "id")


def influence_claims_pending_count() -> int:
    return InfluenceClaim.objects.filter(status=InfluenceClaimStatus.PENDING).count()


def recently_decided_claims(*, limit: int = 10) -> list[InfluenceClaim]:
    return list(influence_claims().exclude(status=InfluenceClaimStatus.PENDING).order_by("-decided_at", "-id")[:limit])


def opportunity_influencers() -> QuerySet[DealParticipant]:
    """The influencing partners of the vendor's CRM opportunities (staff only), with the opportunity and partner."""
    return (
        DealParticipant.objects.filter(crm_opportunity__isnull=False)
        .select_related("crm_opportunity", "partner_organization")
        .order_by("-created_at", "-id")
    )


@dataclass
class InfluenceCandidate:
    """A deal a claim may be about, for the reviewer: a registration or a CRM opportunity of the named customer."""

    kind: str  # "registration" or "crm_opportunity"
    id: int
    name: str
    holder: str
    detail: str
    score: float
    reason: str


def influence_candidates(claims: list[InfluenceClaim], *, per_claim: int = 5) -> dict[int, list[InfluenceCandidate]]:
    """For each claim, the registrations (of other partners) and CRM opportunities of the customer it names, best
    first, found as conflicts are (dealreg.selectors.conflicts). One screening per claim (the queue shows a page of
    claims) plus two queries for the records found."""
    from dealreg.selectors.conflicts import find_conflicts

    found = {}
    for claim in claims:
        conflicts = find_conflicts(
            customer_name=claim.customer_name,
            customer_domain=claim.customer_domain,
            customer_country=claim.customer_country,
        )
        found[claim.pk] = [
            c
            for c in conflicts
            if c.kind in ("registration", "crm_opportunity")
            and not (c.kind == "registration" and c.partner_organization_id == claim.partner_organization_id)
        ]
    registration_ids = {c.id for rows in found.values() for c in rows if c.kind == "registration"}
    opportunity_ids = {c.id for rows in found.values() for c in rows if c.kind == "crm_opportunity"}
    registrations = {r.pk: r for r in _base().filter(pk__in=registration_ids)} if registration_ids else {}
    opportunities = {o.pk: o for o in CrmOpportunity.objects.filter(pk__in=opportunity_ids)} if opportunity_ids else {}
    result: dict[int, list[InfluenceCandidate]] = {}
    for claim in claims:
        candidates = []
        for conflict in found[claim.pk]:
            reason = matching.reason_text(conflict.reason)
            if conflict.kind == "registration" and (registration := registrations.get(conflict.id)):
                if registration.partner_organization_id == claim.partner_organization_id:
                    continue
                candidates.append(
                    InfluenceCandidate(
                        kind="registration",
                        id=registration.pk,
                        name=f"#{registration.pk} {registration.customer_name}",
                        holder=registration.partner_organization.name,
                        detail=" · ".join(
                            [registration.get_status_display(), money(registration.amount, registration.currency)]
                        ),
                        score=conflict.score,
                        reason=reason,
                    )
                )
            elif conflict.kind == "crm_opportunity" and (opportunity := opportunities.get(conflict.id)):
                amount = money(opportunity.amount, opportunity.currency) if opportunity.amount is not None else ""
                candidates.append(
                    InfluenceCandidate(
                        kind="crm_opportunity",
                        id=opportunity.pk,
                        name=f"{opportunity.customer_name}: {opportunity.name}",
                        holder=opportunity.owner_name or opportunity.owner_email or _("Direct sales"),
                        detail=" · ".join(filter(None, [amount, f"CRM {opportunity.external_id}"])),
                        score=conflict.score,
                        reason=reason,
                    )
                )
        result[claim.pk] = candidates[:per_claim]
    return result
