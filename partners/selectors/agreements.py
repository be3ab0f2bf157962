"""Reads of program agreements: the staff overview, who accepted a version and who has not, a partner's own
agreements with their state, and the API's querysets. Every read runs a fixed number of queries.

An agreement *applies* to a partner when its partner type is empty (every partner) or the partner's type. Staff
ask the partners that are *bound* by it: those it applies to whose status is onboarding, active or suspended.
The *current* version of an agreement is its latest published one; only that one can still be accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Agreement, AgreementAcceptance, AgreementVersion, PartnerOrganization, PartnerStatus

# Partners in these statuses are asked to accept (and reminded); prospects, applicants, offboarded and rejected
# partners are not.
BOUND_STATUSES = (PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED)

ACCEPTED = "accepted"
NEEDS_ACCEPTANCE = "needs_acceptance"
OVERDUE = "overdue"
STATE_LABELS = {ACCEPTED: _("Accepted"), NEEDS_ACCEPTANCE: _("Needs acceptance"), OVERDUE: _("Overdue")}


def acceptance_state(*, accepted: bool, reaccept_by: date | None, today: date | None = None) -> str:
    """Accepted; or still to accept by the deadline (the deadline day included); or overdue after it."""
    if accepted:
        return ACCEPTED
    today = today or timezone.localdate()
    if reaccept_by is not None and today > reaccept_by:
        return OVERDUE
    return NEEDS_ACCEPTANCE


def applies_to_type(partner_type: str, *, prefix: str = "") -> Q:
    """Agreements (reached through `prefix`, e.g. "agreement__") that apply to partners of this type."""
    return Q(**{f"{prefix}partner_type": ""}) | Q(**{f"{prefix}partner_type": partner_type})


def _newer_published_version(agreement_ref="agreement", number_ref="number"):
    return AgreementVersion.objects.filter(
        agreement=OuterRef(agreement_ref), published_at__isnull=False, number__gt=OuterRef(number_ref)
    )


def current_versions() -> QuerySet[AgreementVersion]:
    """The latest published version of each agreement (drafts and superseded versions left out)."""
    return AgreementVersion.objects.filter(published_at__isnull=False).exclude(Exists(_newer_published_version()))


def bound_partners(agreement: Agreement) -> QuerySet[PartnerOrganization]:
    """The partners asked to accept this agreement: it applies to their type and they are in the program."""
    queryset = PartnerOrganization.objects.filter(status__in=BOUND_STATUSES)
    if agreement.partner_type:
        queryset = queryset.filter(partner_type=agreement.partner_type)
    return queryset


def pending_partners(version: AgreementVersion) -> QuerySet[PartnerOrganization]:
    """Bound partners that have not accepted this version."""
    accepted = AgreementAcceptance.objects.filter(version=version, partner_organization=OuterRef("pk"))
    return bound_partners(version.agreement).exclude(Exists(accepted))


# Staff --------------------------------------------------------------------------------------------------------


@dataclass
class AgreementRow:
    """An agreement in the staff overview, with its current version's acceptance counts."""

    agreement: Agreement
    current: AgreementVersion | None = None
    draft: AgreementVersion | None = None
    accepted: int = 0
    pending: int = 0

    @property
    def overdue(self) -> bool:
        deadline = self.current.reaccept_by if self.current else None
        return bool(self.pending) and deadline is not None and timezone.localdate() > deadline


def agreement_overview() -> list[AgreementRow]:
    """Every agreement with its current version, its draft, and how many bound partners accepted the current
    version or have not yet: four queries whatever the number of agreements, versions and partners."""
    rows = {agreement.pk: AgreementRow(agreement) for agreement in Agreement.objects.order_by("name", "id")}
    if not rows:
        return []
    versions = (
        AgreementVersion.objects.filter(agreement_id__in=rows)
        .filter(Q(published_at__isnull=True) | ~Exists(_newer_published_version()))
        .defer("body")
        .order_by("agreement_id", "-number")
    )
    for version in versions:
        row = rows[version.agreement_id]
        if version.published_at is None:
            row.draft = version
        elif row.current is None:
            row.current = version
    current_ids = [row.current.pk for row in rows.values() if row.current]
    bound_by_type = dict(
        PartnerOrganization.objects.filter(status__in=BOUND_STATUSES)
        .values_list("partner_type")
        .annotate(n=Count("id"))
        .values_list("partner_type", "n")
    )
    # Acceptances by partners still bound (the type may have changed, the partner may have left since).
    still_bound = Q(partner_organization__status__in=BOUND_STATUSES) & (
        Q(version__agreement__partner_type="")
        | Q(partner_organization__partner_type=F("version__agreement__partner_type"))
    )
    counts = {
        row["version_id"]: row
        for row in AgreementAcceptance.objects.filter(version_id__in=current_ids)
        .values("version_id")
        .annotate(accepted=Count("id"), bound=Count("id", filter=still_bound))
    }
    for row in rows.values():
        if row.current is None:
            continue
        agreement = row.agreement
        bound = bound_by_type.get(agreement.partner_type, 0) if agreement.partner_type else sum(bound_by_type.values())
        count = counts.get(row.current.pk, {"accepted": 0, "bound": 0})
        row.accepted = count["accepted"]
        row.pending = max(bound - count["bound"], 0)
    return list(rows.values())


def agreement_get(*, agreement_id: int) -> Agreement | None:
    return Agreement.objects.filter(pk=agreement_id).first()


def agreement_versions(*, agreement: Agreement) -> list[AgreementVersion]:
    """The agreement's versions, newest first, each with its number of acceptances (one query)."""
    return list(
        AgreementVersion.objects.filter(agreement=agreement)
        .select_related("published_by")
        .defer("body")
        .annotate(acceptance_count=Count("acceptances"))
        .order_by("-number")
    )


def version_get(*, agreement_id: int, version_id: int) -> AgreementVersion | None:
    return (
        AgreementVersion.objects.select_related("agreement", "published_by")
        .filter(agreement_id=agreement_id, pk=version_id)
        .first()
    )


def version_is_current(version: AgreementVersion) -> bool:
    return version.published_at is not None and not _newer_published_version_of(version).exists()


def _newer_published_version_of(version: AgreementVersion) -> QuerySet[AgreementVersion]:
    return AgreementVersion.objects.filter(
        agreement_id=version.agreement_id, published_at__isnull=False, number__gt=version.number
    )


def current_version_of(agreement: Agreement) -> AgreementVersion | None:
    return AgreementVersion.objects.filter(agreement=agreement, published_at__isnull=False).order_by("-number").first()


def draft_of(agreement: Agreement) -> AgreementVersion | None:
    return AgreementVersion.objects.filter(agreement=agreement, published_at__isnull=True).first()


def version_acceptances(*, version: AgreementVersion) -> QuerySet[AgreementAcceptance]:
    """Who accepted this version, for whom, when and from where."""
    return (
        AgreementAcceptance.objects.filter(version=version)
        .select_related("partner_organization", "user")
        .defer("text")
        .order_by("partner_organization__name", "id")
    )


def version_pending_partners(*, version: AgreementVersion) -> QuerySet[PartnerOrganization]:
    return pending_partners(version).select_related("owner").order_by("name", "id")


# Partners -----------------------------------------------------------------------------------------------------


@dataclass
class PartnerAgreement:
    """An agreement as one partner sees it: the current version, and where the partner stands with it."""

    agreement: Agreement
    version: AgreementVersion
    accepted_at: datetime | None
    last_accepted_number: int | None
    last_accepted_at: datetime | None
    today: date

    @property
    def state(self) -> str:
        return acceptance_state(
            accepted=self.accepted_at is not None, reaccept_by=self.version.reaccept_by, today=self.today
        )

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def deadline(self) -> date | None:
        return self.version.reaccept_by

    @property
    def is_accepted(self) -> bool:
        return self.state == ACCEPTED

    @property
    def is_overdue(self) -> bool:
        return self.state == OVERDUE


def partner_agreements(
    *, partner: PartnerOrganization, agreement_id: int | None = None, with_text: bool = False
) -> list[PartnerAgreement]:
    """The agreements that apply to the partner and have a published version, each with the current version and
    the partner's acceptance of it (and of any earlier version): one query."""
    own = AgreementAcceptance.objects.filter(partner_organization=partner)
    latest_own = own.filter(version__agreement=OuterRef("agreement")).order_by("-version__number")
    queryset = (
        current_versions()
        .filter(applies_to_type(partner.partner_type, prefix="agreement__"))
        .select_related("agreement")
        .annotate(
            own_accepted_at=Subquery(own.filter(version=OuterRef("pk")).values("accepted_at")[:1]),
            last_accepted_number=Subquery(latest_own.values("version__number")[:1]),
            last_accepted_at=Subquery(latest_own.values("accepted_at")[:1]),
        )
        .order_by("agreement__name", "agreement_id")
    )
    if agreement_id is not None:
        queryset = queryset.filter(agreement_id=agreement_id)
    if not with_text:
        queryset = queryset.defer("body")
    today = timezone.localdate()
    return [
        PartnerAgreement(
            agreement=version.agreement,
            version=version,
            accepted_at=version.own_accepted_at,
            last_accepted_number=version.last_accepted_number,
            last_accepted_at=version.last_accepted_at,
            today=today,
        )
        for version in queryset
    ]


def partner_agreement_get(*, partner: PartnerOrganization, agreement_id: int) -> PartnerAgreement | None:
    """One agreement that applies to the partner, with the current version's text; None when it does not apply
    or has no published version yet."""
    found = partner_agreements(partner=partner, agreement_id=agreement_id, with_text=True)
    return found[0] if found else None


def partner_pending_agreements(*, partner: PartnerOrganization) -> list[PartnerAgreement]:
    """The agreements the partner still has to accept (current version not accepted), for the portal's banner."""
    return [item for item in partner_agreements(partner=partner) if not item.is_accepted]


def partner_acceptances(*, partner: PartnerOrganization, agreement: Agreement) -> QuerySet[AgreementAcceptance]:
    """The partner's own acceptances of an agreement's versions, newest version first: who accepted and when."""
    return (
        AgreementAcceptance.objects.filter(partner_organization=partner, version__agreement=agreement)
        .select_related("version", "user")
        .defer("text", "version__body")
        .order_by("-version__number")
    )


# API ----------------------------------------------------------------------------------------------------------


def _published_versions_prefetch() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=AgreementVersion.objects.filter(published_at__isnull=False).order_by("-number"),
        to_attr="published_versions",
    )


def agreements_for_api(*, partner: PartnerOrganization | None = None) -> QuerySet[Agreement]:
    """Agreements with their published versions. For a partner: only those that apply to it and are published,
    annotated with its acceptance of the current version and its latest acceptance of any version."""
    queryset = Agreement.objects.prefetch_related(_published_versions_prefetch())
    if partner is None:
        return queryset
    published = AgreementVersion.objects.filter(agreement=OuterRef("pk"), published_at__isnull=False)
    current = published.order_by("-number")
    own = AgreementAcceptance.objects.filter(partner_organization_id=partner.pk)
    latest_own = own.filter(version__agreement=OuterRef("pk")).order_by("-version__number")
    return (
        queryset.filter(applies_to_type(partner.partner_type))
        .filter(Exists(published))
        .annotate(
            current_version_id=Subquery(current.values("pk")[:1]),
            own_accepted_at=Subquery(own.filter(version_id=OuterRef("current_version_id")).values("accepted_at")[:1]),
            last_accepted_number=Subquery(latest_own.values("version__number")[:1]),
            last_accepted_at=Subquery(latest_own.values("accepted_at")[:1]),
        )
    )


def acceptances_for_api() -> QuerySet[AgreementAcceptance]:
    """Acceptance evidence for CRM sync (the viewset narrows it to a partner's own for partner actors)."""
    return AgreementAcceptance.objects.select_related("version__agreement", "partner_organization", "user")
