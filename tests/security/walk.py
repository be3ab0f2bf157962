"""The role harness's machinery: the people it walks as, the ids it puts where they do not belong, and how it
records which body fields a page reads.

Sides (who walks, and at which address):
- "a": tenant A's staff, each staff role, at A's address, on A's objects;
- "x": organization X's people, each partner role, at A's address, on X's objects (their own);
- "y": organization Y's people, each partner role, at A's address, on X's objects (another organization's);
- "b_at_a": tenant B's tenant admin and partner admin at A's address (another tenant's): the middleware refuses a
  non-member before any role is looked at, so two roles prove it (every role walks "b_at_b");
- "b_at_b": tenant B's people, every role, at B's own address with A's object ids in the URL and the body.
Every body field that takes an id gets the id of an object of the other side: B's for A's staff, Y's (or one that
does not apply to X) for X's people, and X's (tenant A's) for Y's and B's people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.http import QueryDict

from prm.roles import Role
from prm.tenancy import all_tenants
from tests.security.conftest import ORGANIZATION_Y_MARKERS, SECRET_MARKERS, TENANT_A_MARKERS, TENANT_B_MARKERS

# Every role, each declared here: a role added to prm.roles without a place in these sets fails the harness
# (test_every_role_is_walked), so nobody forgets to decide what it may open.
STAFF = frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.MARKETING, Role.FINANCE, Role.ANALYST})
PARTNERS = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_SALES, Role.PARTNER_MARKETING})
EVERYONE = STAFF | PARTNERS
ADMIN = frozenset({Role.TENANT_ADMIN})
MANAGERS = frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER})
PARTNER_ADMIN = frozenset({Role.PARTNER_ADMIN})
SELLERS = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_SALES})

# The refusal of a role the policy does not allow: 404 (the page does not exist for it) or 403.
REFUSED = frozenset({403, 404})

SIDES = {
    "a": STAFF,
    "x": PARTNERS,
    "y": PARTNERS,
    "b_at_a": frozenset({Role.TENANT_ADMIN, Role.PARTNER_ADMIN}),
    "b_at_b": EVERYONE,
}

# What each side must never see.
FORBIDDEN_MARKERS = {
    "a": TENANT_B_MARKERS,
    "x": TENANT_B_MARKERS + ORGANIZATION_Y_MARKERS,
    "y": SECRET_MARKERS + TENANT_B_MARKERS,
    "b_at_a": SECRET_MARKERS + TENANT_A_MARKERS + ORGANIZATION_Y_MARKERS,
    "b_at_b": SECRET_MARKERS + TENANT_A_MARKERS + ORGANIZATION_Y_MARKERS,
}


def person(world, side: str, role: str):
    return world.people[(side[0], role)]


@dataclass(frozen=True)
class Id:
    """A body (or query) field that takes the id of an object of this kind (one of ID_KINDS)."""

    kind: str


# Kind -> the object sent by each side: "b" (tenant B's, sent by A's staff), "y" (tenant A's that organization X
# may not use, sent by X's people), "x" (tenant A's, X's where it is a partner's, sent by Y's and B's people).
ID_KINDS = {
    "deal": {"x": lambda w: w.deal_x.pk, "y": lambda w: w.deal_y.pk, "b": lambda w: w.deal_b.pk},
    "partner": {"x": lambda w: w.org_x.pk, "y": lambda w: w.org_y.pk, "b": lambda w: w.org_b.pk},
    "api_key": {"x": lambda w: w.api_key_a.pk, "y": lambda w: w.api_key_a.pk, "b": lambda w: w.api_key_b.pk},
    "staff_user": {
        "x": lambda w: w.admin_a.user_id,
        "y": lambda w: w.admin_a.user_id,
        "b": lambda w: w.admin_b.user_id,
    },
    # The managed services addendum applies to neither X nor Y (and so to no one who sends it).
    "agreement_version": {
        "x": lambda w: w.msp_addendum_v1.pk,
        "y": lambda w: w.msp_addendum_v1.pk,
        "b": lambda w: w.agreement_version_b.pk,
    },
    "product": {"x": lambda w: w.product_a.pk, "y": lambda w: w.product_b.pk, "b": lambda w: w.product_b.pk},
    # A course for every partner; one for ISVs only (offered to neither X nor Y); tenant B's.
    "course": {"x": lambda w: w.learn_course_a.pk, "y": lambda w: w.course_isv.pk, "b": lambda w: w.course_b.pk},
    # A partner's person to enroll: X's admin, Y's admin, tenant B's partner admin (users are global: their ids).
    "partner_user": {
        "x": lambda w: w.member_x.user_id,
        "y": lambda w: w.partner_y.user_id,
        "b": lambda w: w.people[("b", Role.PARTNER_ADMIN)].user_id,
    },
    "crm_account": {
        "x": lambda w: w.crm_account_a.pk,
        "y": lambda w: w.crm_account_b.pk,
        "b": lambda w: w.crm_account_b.pk,
    },
    "crm_opportunity": {
        "x": lambda w: w.crm_opportunity_a.pk,
        "y": lambda w: w.crm_opportunity_b.pk,
        "b": lambda w: w.crm_opportunity_b.pk,
    },
    # The CRM's own ids (the API's upsert keys, and how a deal names the CRM opportunity it became). X's own rows
    # have none: a CRM id of another side must neither update that row nor be refused with a server error.
    "partner_external_id": {"x": lambda w: "crm-p-x", "y": lambda w: "crm-p-y", "b": lambda w: "crm-p-b"},
    "contact_external_id": {"x": lambda w: "crm-c-x", "y": lambda w: "crm-c-y", "b": lambda w: "crm-c-b"},
    "deal_external_id": {"x": lambda w: "crm-d-x", "y": lambda w: "crm-d-y", "b": lambda w: "crm-d-b"},
    "application_external_id": {"x": lambda w: "crm-a-a", "y": lambda w: "crm-a-a", "b": lambda w: "crm-a-b"},
    "crm_account_external_id": {
        "x": lambda w: w.crm_account_a.external_id,
        "y": lambda w: w.crm_account_b.external_id,
        "b": lambda w: w.crm_account_b.external_id,
    },
    "crm_opportunity_external_id": {
        "x": lambda w: w.crm_opportunity_a.external_id,
        "y": lambda w: w.crm_opportunity_b.external_id,
        "b": lambda w: w.crm_opportunity_b.external_id,
    },
    # Enablement authoring: tenant B's module, lesson and learning path step (no partner may use any).
    "course_module": {
        "x": lambda w: w.course_module_a.pk,
        "y": lambda w: w.course_module_b.pk,
        "b": lambda w: w.course_module_b.pk,
    },
    "lesson": {"x": lambda w: w.lesson_a.pk, "y": lambda w: w.lesson_b.pk, "b": lambda w: w.lesson_b.pk},
    "path_step": {"x": lambda w: w.path_step_a.pk, "y": lambda w: w.path_step_b.pk, "b": lambda w: w.path_step_b.pk},
    # Quizzes: a choice of X's attempt's question / of another quiz; a question of X's attempt / of Y's; X's learner's
    # enrollment / Y's; the quiz lesson / a lesson of the course that is no quiz.
    "quiz_choice": {
        "x": lambda w: w.quiz_choice_x.pk,
        "y": lambda w: w.quiz_choice_other.pk,
        "b": lambda w: w.quiz_choice_b.pk,
    },
    "attempt_question": {
        "x": lambda w: w.quiz_attempt_question_x.pk,
        "y": lambda w: w.quiz_attempt_question_y.pk,
        "b": lambda w: w.quiz_attempt_question_b.pk,
    },
    "quiz_enrollment": {
        "x": lambda w: w.quiz_enrollment_x.pk,
        "y": lambda w: w.quiz_enrollment_y.pk,
        "b": lambda w: w.quiz_enrollment_b.pk,
    },
    "quiz_lesson": {
        "x": lambda w: w.quiz_lesson_a.pk,
        "y": lambda w: w.quiz_text_lesson_a.pk,
        "b": lambda w: w.quiz_lesson_b.pk,
    },
    # A certification's final exam: tenant A's quiz for partners, B's for A's staff.
    "quiz": {"x": lambda w: w.exam_quiz_a.pk, "y": lambda w: w.exam_quiz_b.pk, "b": lambda w: w.exam_quiz_b.pk},
    # A question's pool: tenant A's quiz's / tenant B's (no partner authors quizzes).
    "quiz_pool": {"x": lambda w: w.quiz_pool_a.pk, "y": lambda w: w.quiz_pool_b.pk, "b": lambda w: w.quiz_pool_b.pk},
    # A tier of tenant A's program / of tenant B's (no partner sets tiers).
    "tier": {
        "x": lambda w: w.tiering_tier_a.pk,
        "y": lambda w: w.tiering_tier_b.pk,
        "b": lambda w: w.tiering_tier_b.pk,
    },
}
# Kind -> the model of its objects (to prove a refused request left the other side's object as it was).
ID_MODELS = {
    "deal": "dealreg.DealRegistration",
    "partner": "partners.PartnerOrganization",
    "api_key": "prm.ApiKey",
    "agreement_version": "partners.AgreementVersion",
    "product": "dealreg.Product",
    "course": "enablement.Course",
    "partner_user": "prm.User",
    "crm_account": "dealreg.CrmAccount",
    "crm_opportunity": "dealreg.CrmOpportunity",
    "crm_account_external_id": "dealreg.CrmAccount",
    "partner_external_id": "partners.PartnerOrganization",
    "contact_external_id": "partners.PartnerContact",
    "deal_external_id": "dealreg.DealRegistration",
    "application_external_id": "partners.PartnerApplication",
    "crm_opportunity_external_id": "dealreg.CrmOpportunity",
    "course_module": "enablement.CourseModule",
    "lesson": "enablement.Lesson",
    "path_step": "enablement.LearningPathCourse",
    "quiz_choice": "enablement.Choice",
    "attempt_question": "enablement.AttemptQuestion",
    "quiz_enrollment": "enablement.Enrollment",
    "quiz_lesson": "enablement.Lesson",
    "quiz": "enablement.Quiz",
    "quiz_pool": "enablement.QuestionPool",
    "tier": "tiering.Tier",
}
FOREIGN_OWNER = {"a": "b", "x": "y", "y": "x", "b_at_a": "x", "b_at_b": "x"}


def foreign_id(world, side: str, kind: str):
    return ID_KINDS[kind][FOREIGN_OWNER[side]](world)


def fill(value, world, side: str):
    """The body with each Id replaced by the id of the other side's object of its kind."""
    if isinstance(value, Id):
        return foreign_id(world, side, value.kind)
    if isinstance(value, dict):
        return {key: fill(inner, world, side) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [fill(inner, world, side) for inner in value]
    return value


def id_fields(value, path="") -> dict[str, str]:
    """Field path -> kind, for every Id in a body ("participants[].partner_organization")."""
    if isinstance(value, Id):
        return {path: value.kind}
    found = {}
    if isinstance(value, dict):
        for key, inner in value.items():
            found |= id_fields(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list | tuple):
        for inner in value:
            found |= id_fields(inner, f"{path}[]")
    return found


def foreign_rows(world, side: str, body) -> dict:
    """The rows of the other side's objects a body names: a refused request must leave each as it was."""
    from django.apps import apps

    rows = {}
    with all_tenants():
        for path, kind in sorted(id_fields(body).items()):
            if kind in ID_MODELS:
                model = apps.get_model(ID_MODELS[kind])
                value = foreign_id(world, side, kind)
                lookup = "external_id" if kind.endswith("external_id") else "pk"
                rows[(path, value)] = list(model._base_manager.filter(**{lookup: value}).order_by("pk").values())
    return rows


def may(roles, status: int) -> dict:
    """The status each of these roles gets (on its own objects)."""
    return dict.fromkeys(roles, status)


def in_savepoint(request):
    """Run one request (reading a streamed body to its end) and undo what it wrote, so every request of the walk
    meets the same world. Returns the response and its body as text."""
    with transaction.atomic():
        response = request()
        content = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    return response, content.decode(errors="replace")


# Body fields read by the page (request.POST), recorded while the harness walks.
READ_FIELDS: set[str] = set()


class RecordingQueryDict(QueryDict):
    def __getitem__(self, key):
        READ_FIELDS.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        READ_FIELDS.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        READ_FIELDS.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        READ_FIELDS.add(key)
        return super().__contains__(key)


_load_post_and_files = WSGIRequest._load_post_and_files


def _recording_load_post_and_files(self):
    _load_post_and_files(self)
    if type(self._post) is QueryDict:
        self._post.__class__ = RecordingQueryDict


def record_body_fields(monkeypatch):
    monkeypatch.setattr(WSGIRequest, "_load_post_and_files", _recording_load_post_and_files)
    READ_FIELDS.clear()


@dataclass
class Failures:
    items: list = field(default_factory=list)

    def check(self, ok: bool, message: str):
        if not ok:
            self.items.append(message)

    def report(self):
        assert not self.items, f"{len(self.items)} problem(s):\n" + "\n".join(self.items[:80])
