"""What the partner lifecycle brings to the platform: its policy rules, API resources and routes, event types,
notification kinds, navigation, console card and demo data (collected by `prm.registry` at start-up)."""

from django.utils.translation import gettext_lazy as _

from prm.notifications.kinds import Kind
from prm.registry import ConsoleCard, EventType, NavigationEntry, PublicLink
from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role

ALL_ROLES = STAFF_ROLES | PARTNER_ROLES
MANAGERS = frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER})

RULES: dict[str, frozenset[str]] = {
    # Partner organizations: staff see all of them; partner users only their own.
    "partners.view": ALL_ROLES,
    "partners.view_list": STAFF_ROLES,
    "partners.manage": MANAGERS,
    "partners.import": MANAGERS,
    "partners.export": MANAGERS | {Role.ANALYST},
    # A partner's profile (website, domains, regions…): staff who manage partners, and its own partner admin.
    "partners.edit_profile": MANAGERS | {Role.PARTNER_ADMIN},
    "portal.edit_profile": frozenset({Role.PARTNER_ADMIN}),
    # The people at a partner the vendor deals with.
    "contacts.view": STAFF_ROLES | frozenset({Role.PARTNER_ADMIN}),
    "contacts.manage": MANAGERS | {Role.PARTNER_ADMIN},
    # Lifecycle steps (approve, activate, suspend, offboard, reactivate, reject): the people who run the program.
    "partners.change_status": MANAGERS,
    # Recruitment: the application queue, decisions, and the ideal partner profile with its auto-decision rule.
    "applications.view": MANAGERS | {Role.ANALYST},
    "applications.decide": MANAGERS,
    "recruitment.manage": frozenset({Role.TENANT_ADMIN}),
    # Onboarding: partners see their own checklist; staff see every plan's progress.
    "onboarding.view": ALL_ROLES,
    "onboarding.manage_plans": MANAGERS,
    "onboarding.complete_manual_step": MANAGERS,
    "documents.view": STAFF_ROLES | frozenset({Role.PARTNER_ADMIN}),
    "documents.upload": MANAGERS | {Role.PARTNER_ADMIN},
    # Program agreements: tenant admins write and publish them; a partner admin accepts for the organization.
    "agreements.view": ALL_ROLES,
    "agreements.view_all": STAFF_ROLES,
    "agreements.manage": frozenset({Role.TENANT_ADMIN}),
    "agreements.accept": frozenset({Role.PARTNER_ADMIN}),
}

API_RESOURCES = ("partners", "applications", "onboarding", "agreements")
API_ROUTE_MODULES = (
    "partners.api.directory",
    "partners.api.recruitment",
    "partners.api.onboarding",
    "partners.api.agreements",
)
PAGE_URLS = "partners.urls"

_PARTNER = {"id": "partner organization id", "name": "name", "status": "lifecycle status", "…": "profile fields"}
_APPLICATION = {"id": "application id", "company_name": "company", "status": "application status", "score": "IPP score"}
_ONBOARDING = {"id": "onboarding id", "partner_organization_id": "partner", "plan_id": "plan"}

PARTNER_CREATED = EventType("partner.created", _("A partner organization was added."), _PARTNER)
PARTNER_UPDATED = EventType("partner.updated", _("A partner organization was changed."), {**_PARTNER, "changed": ""})
PARTNER_APPLIED = EventType("partner.applied", _("A partner organization applied to the program."), _PARTNER)
PARTNER_APPROVED = EventType("partner.approved", _("A partner was approved and starts onboarding."), _PARTNER)
PARTNER_ACTIVATED = EventType("partner.activated", _("A partner became active."), _PARTNER)
PARTNER_SUSPENDED = EventType("partner.suspended", _("A partner was suspended."), {**_PARTNER, "reason": ""})
PARTNER_OFFBOARDED = EventType("partner.offboarded", _("A partner left the program."), {**_PARTNER, "reason": ""})
PARTNER_REACTIVATED = EventType("partner.reactivated", _("A suspended or offboarded partner is back."), _PARTNER)
PARTNER_REJECTED = EventType("partner.rejected", _("A partner's application was rejected."), _PARTNER)
PARTNER_PROFILE_UPDATED = EventType(
    "partner.profile_updated", _("A partner's profile changed."), {"id": "partner", "changed": "field names"}
)
PARTNER_PROFILE_COMPLETED = EventType(
    "partner.profile_completed", _("A partner's profile has every required field."), {"id": "partner"}
)
PARTNER_DOCUMENT_UPLOADED = EventType(
    "partner.document_uploaded",
    _("A document was uploaded for a partner."),
    {"partner_organization_id": "partner", "document_id": "document", "name": "file name"},
)
PARTNERS_IMPORTED = EventType(
    "partners.imported", _("Partners were imported from a CSV file."), {"created": "count", "updated": "count"}
)
CONTACT_CREATED = EventType("contact.created", _("A partner contact was added."), {"id": "", "partner_id": ""})
CONTACT_UPDATED = EventType("contact.updated", _("A partner contact changed."), {"id": "", "changed": ""})
CONTACT_DELETED = EventType("contact.deleted", _("A partner contact was removed."), {"id": ""})
APPLICATION_SUBMITTED = EventType("application.submitted", _("A company applied to join the program."), _APPLICATION)
APPLICATION_APPROVED = EventType("application.approved", _("An application was approved."), _APPLICATION)
APPLICATION_DECLINED = EventType(
    "application.declined", _("An application was declined."), {**_APPLICATION, "reason": "", "auto": "by the rule"}
)
ONBOARDING_STARTED = EventType("onboarding.started", _("A partner's onboarding plan started."), _ONBOARDING)
ONBOARDING_STEP_COMPLETED = EventType(
    "onboarding.step_completed", _("An onboarding step was done."), {**_ONBOARDING, "step_id": "", "title": ""}
)
ONBOARDING_COMPLETED = EventType("onboarding.completed", _("Every required onboarding step is done."), _ONBOARDING)
ONBOARDING_CANCELLED = EventType(
    "onboarding.cancelled", _("A partner's onboarding was cancelled."), {**_ONBOARDING, "reason": ""}
)
ONBOARDING_ESCALATED = EventType("onboarding.escalated", _("A partner's onboarding stalled."), _ONBOARDING)
AGREEMENT_PUBLISHED = EventType(
    "agreement.published",
    _("A new version of a program agreement was published."),
    {"agreement_id": "", "version_id": "", "accept_by": "re-acceptance deadline"},
)
AGREEMENT_ACCEPTED = EventType(
    "agreement.accepted",
    _("A partner accepted a program agreement."),
    {"agreement_id": "", "version_id": "", "partner_organization_id": "", "accepted_by": ""},
)

EVENT_TYPES = [
    PARTNER_CREATED,
    PARTNER_UPDATED,
    PARTNER_APPLIED,
    PARTNER_APPROVED,
    PARTNER_ACTIVATED,
    PARTNER_SUSPENDED,
    PARTNER_OFFBOARDED,
    PARTNER_REACTIVATED,
    PARTNER_REJECTED,
    PARTNER_PROFILE_UPDATED,
    PARTNER_PROFILE_COMPLETED,
    PARTNER_DOCUMENT_UPLOADED,
    PARTNERS_IMPORTED,
    CONTACT_CREATED,
    CONTACT_UPDATED,
    CONTACT_DELETED,
    APPLICATION_SUBMITTED,
    APPLICATION_APPROVED,
    APPLICATION_DECLINED,
    ONBOARDING_STARTED,
    ONBOARDING_STEP_COMPLETED,
    ONBOARDING_COMPLETED,
    ONBOARDING_CANCELLED,
    ONBOARDING_ESCALATED,
    AGREEMENT_PUBLISHED,
    AGREEMENT_ACCEPTED,
]

NOTIFICATION_KINDS = [
    Kind(
        "application.submitted",
        _("Partner applications"),
        _("A company applied to join the program (and what the automatic rule decided about it)."),
        audience="applications.decide",
    ),
    Kind(
        "onboarding.step_due_soon",
        _("Onboarding step due soon"),
        _("An onboarding step is due in the next few days."),
        # Partner admins (their steps) and the staff who own partners (manual steps): who receives it.
        audience="partners.edit_profile",
    ),
    Kind(
        "onboarding.step_overdue",
        _("Onboarding step overdue"),
        _("A required onboarding step of a partner you own (or that has no owner) is past its due date."),
        audience="onboarding.complete_manual_step",
    ),
    Kind(
        "onboarding.escalated",
        _("Onboarding stalled"),
        _("A partner's onboarding has made no progress for a while."),
        audience="onboarding.complete_manual_step",
    ),
    Kind(
        "onboarding.completed",
        _("Onboarding completed"),
        _("A partner you own completed every required onboarding step."),
        audience="onboarding.complete_manual_step",
    ),
    Kind(
        "agreement.acceptance_requested",
        _("Agreement to accept"),
        _("A new version of a program agreement needs your organization's acceptance by a deadline."),
        audience="agreements.accept",
    ),
    Kind(
        "agreement.reminder",
        _("Agreement acceptance reminder"),
        _("A reminder, 7 days and 1 day before the deadline, of an agreement your organization has not accepted."),
        audience="agreements.accept",
    ),
    Kind(
        "agreement.overdue",
        _("Agreement acceptance overdue"),
        _("Partners you own (or that have no owner) did not accept a program agreement by its deadline."),
        audience="partners.manage",
    ),
]


def _waiting_applications(request) -> int:
    from partners.selectors.recruitment import applications_waiting_count

    return applications_waiting_count()


NAVIGATION = [
    NavigationEntry(_("Partners"), "partner_list", "partners.view_list", icon="bi-buildings", order=20),
    NavigationEntry(_("Onboarding"), "onboarding_progress", "partners.view_list", icon="bi-list-check", order=30),
    NavigationEntry(
        _("Applications"),
        "application_list",
        "applications.view",
        icon="bi-inboxes",
        order=40,
        testid="nav-applications",
        badge=_waiting_applications,
        badge_testid="applications-waiting",
    ),
    NavigationEntry(_("Agreements"), "agreement_list", "agreements.view_all", icon="bi-file-earmark-text", order=50),
    NavigationEntry(_("Onboarding"), "portal_onboarding", "portal.view", icon="bi-list-check", order=130),
    NavigationEntry(_("Agreements"), "portal_agreements", "portal.view", icon="bi-file-earmark-text", order=140),
]


def _partner_statistics(request) -> dict:
    from partners.selectors import partner_statistics

    return partner_statistics()


CONSOLE_CARDS = [ConsoleCard("partners/partials/console_card.html", "partners.view_list", _partner_statistics, 10)]


def _applications_open(tenant) -> bool:
    from partners.selectors.program_settings import recruitment_settings

    return recruitment_settings()["open"]


PUBLIC_LINKS = [PublicLink(_("Apply to become a partner"), "apply", _applications_open, 10, "front-page-apply")]


def seed_demo(tenant, admin) -> None:
    from partners.demo import seed_partner_program

    seed_partner_program(tenant, admin)
