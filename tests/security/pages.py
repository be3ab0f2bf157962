"""How the role harness walks each page route (tests/security/test_role_harness.py).

`get` and `post` give the status each role gets on its own side (tenant A's staff on A's objects, organization X's
people on X's objects); a role not listed must be refused (404 or 403). `body` is what a POST sends: it is valid
but for its Id fields, which carry the ids of another side's objects, so only those can make it fail; `query` is
likewise a GET's query. Public routes (no sign-in) also give `visitor`: what a signed-in non-member gets.
A role that gets 405 where it is refused passes too, when the route does not take the method at all (it looks
nothing up). Statuses of a POST are those of a body carrying the other side's ids (a form error, mostly).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from prm.roles import Role
from tests.security.walk import ADMIN, EVERYONE, MANAGERS, PARTNER_ADMIN, PARTNERS, SELLERS, STAFF, Id, may
from tests.security.world_learning import LEARNING_KWARGS
from tests.security.world_quizzes import QUIZ_LESSON_KWARGS

# Who reads applications, and who exports (managers and analysts).
READERS = MANAGERS | {Role.ANALYST}
# Who writes courses, enrollment rules and learning paths.
# Who writes courses and quizzes.
# Who writes courses and enrollment rules.
AUTHORS = MANAGERS | {Role.MARKETING}


@dataclass(frozen=True)
class Page:
    get: dict = field(default_factory=dict)
    post: dict = field(default_factory=dict)
    body: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    public: bool = False
    visitor: dict = field(default_factory=dict)
    # URL parameters to use instead of OBJECT_KWARGS' (an object the side's own people can reach).
    kwargs: dict = field(default_factory=dict)
    # The URL's object is the whole program's (every organization's), not organization X's: Y's people get what X's
    # get, and the body's ids are what tells them apart.
    shared: bool = False


# Body fields that never carry an id: a page that reads any other field fails the harness until the field is
# declared, as an Id in the route's body or here. A name ending in "*" covers every field starting with it.
PLAIN_FIELDS = {
    # people, invitations, keys, settings
    "email", "role", "is_active", "name", "scopes", "expires_on", "next", "program_name", "primary_colour",
    "require_mfa_for_staff", "remove_logo", "logo-clear", "email_*",
    "require_mfa_for_partners", "default_language", "default_time_zone", "deliver_in_order",
    # webhooks and failed handlers
    "url", "description", "event_types", "other_event_types", "active", "status",
    # partners: profile, contacts, documents, import, status, recruitment
    "legal_name", "website", "homepage", "country", "region", "regions", "industries", "company_size",
    "customer_count", "email_domains", "job_title", "phone", "is_primary", "title", "file-clear", "token",
    "reason", "partner_name", "annual_revenue_band", "certifications", "company_name", "contact_email",
    "contact_first_name", "contact_last_name", "contact_job_title", "contact_phone", "message", "partner_type",
    "is_open", "auto_approve_at", "auto_decline_below", "attribute", "label", "operator", "value", "weight",
    # onboarding and agreements
    "form", "kind", "required", "completion_event", "condition", "due_offset_days", "direction",
    "reminder_days_before", "stalled_after_days", "body", "reaccept_by",
    # deal registration
    "customer_name", "customer_website", "customer_domain", "customer_country", "customer_region",
    "customer_industry", "customer_size", "amount", "currency", "expected_close_date", "stage", "deal_type",
    "contact_name", "contact_title", "quantity_*", "unit_price_*", "save_draft", "decision", "note", "question",
    "answer",
    "outcome", "closed_amount", "closed_date", "days", "share", "auto_approve", "auto_approve_max_amount",
    "conflict_policy", "expiry_warning_days", "extension_approver", "extension_days", "max_extensions",
    "minimum_amount", "notes", "protection_days", "review_sla_business_days",
    # enablement authoring: courses, lessons, enrollment rules, learning paths
    "summary", "estimated_minutes", "passing_grade", "audience_*", "archived", "video_url", "quiz_title",
    "partner_types", "roles", "due_days", "published",
    # quizzes (the learner's answers, `q1`, `q2`…, carry choice ids: declared per route)
    "passing_score", "attempt_limit", "cooldown_minutes", "time_limit_minutes", "questions_per_attempt",
    "shuffle_questions", "shuffle_choices", "text", "explanation", "points", "choice_text_*", "choice_correct_*",
    # certifications
    "validity_months", "apply_to_existing",
    # learning
    "due_on",
    # analytics: partner costs, their import and exchange rates
    "period_start", "period_end", "rate", "file",
    # tiering
    "ends_on",
}  # fmt: skip


def is_plain(name: str) -> bool:
    return name in PLAIN_FIELDS or any(p.endswith("*") and name.startswith(p[:-1]) for p in PLAIN_FIELDS)


def _in(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


_INVITATION = {"email": "newcomer@harness.example", "role": Role.PARTNER_SALES, "partner_organization": Id("partner")}
_DEAL = {
    "partner_organization": Id("partner"),
    "customer_name": "Harness Customer",
    "customer_website": "harness-customer.com",
    "amount": "1000",
    "currency": "USD",
    "expected_close_date": _in(30),
    "stage": "qualified",
    "deal_type": "new",
    "product_0": Id("product"),
    "product_1": Id("product"),
    "product_2": Id("product"),
}

_CERTIFICATION = {
    "name": "Harness certification",
    "courses": [Id("course")],
    "final_exam": Id("quiz"),
    "validity_months": "12",
    "apply_to_existing": "new_awards",
}
_SCORM = {
    "package_id": lambda w: w.scorm_package_a.pk,
    "enrollment_id": lambda w: w.scorm_enrollment_x.pk,
    "lesson_id": lambda w: w.scorm_lesson_a.pk,
}

# Who records partner costs and exchange rates.
COST_MANAGERS = ADMIN | {Role.FINANCE}
_COST = {
    "partner_organization": Id("partner"),
    "period_start": _in(-5),
    "kind": "enablement",
    "amount": "500.00",
    "currency": "USD",
    "note": "Harness cost",
}

PAGES = {
    # The program's core pages
    # Members are sent on; a signed-in non-member gets 404 (B's people at B's address are members: sent on); an
    # anonymous visitor sees the program's front page (test_isolation_harness.py).
    "tenant_home": Page(get=may(EVERYONE, 302), public=True, visitor={"get": {302, 404}, "post": {404, 405}}),
    "console": Page(get=may(STAFF, 200)),
    "portal": Page(get=may(PARTNERS, 200)),
    "partner_team": Page(get=may(PARTNER_ADMIN, 200), post=may(PARTNER_ADMIN, 400), body=_INVITATION),
    "tenant_settings": Page(get=may(ADMIN, 200), post=may(ADMIN, 400)),
    # Branding, public like the front page it is shown on; tenant A has no logo: 404 for everyone.
    "tenant_logo": Page(public=True, visitor={"get": {200, 404}, "post": {405}}),
    "members": Page(get=may(ADMIN, 200), post=may(ADMIN, 400), body=_INVITATION),
    "membership_detail": Page(get=may(ADMIN, 200), post=may(ADMIN, 400)),
    "invitation_revoke": Page(post=may(MANAGERS | PARTNER_ADMIN, 302)),
    "invitation_accept": Page(
        get=may(EVERYONE, 409), post=may(EVERYONE, 409), public=True, visitor={"get": {200}, "post": {400}}
    ),
    "api_keys": Page(
        get=may(ADMIN, 200),
        post=may(ADMIN, 400),
        body={"name": "Harness", "scopes": "deals:read", "partner_organization": Id("partner")},
    ),
    "api_key_revoke": Page(post=may(ADMIN, 404), body={"api_key": Id("api_key")}),
    "notifications": Page(get=may(EVERYONE, 200)),
    "notifications_bell": Page(get=may(EVERYONE, 200)),
    "notifications_menu": Page(get=may(EVERYONE, 200)),
    "notifications_read_all": Page(post=may(EVERYONE, 302)),
    "notification_preferences": Page(get=may(EVERYONE, 200), post=may(EVERYONE, 302)),
    # The world's notification is X's partner admin's own.
    "notification_open": Page(get=may(PARTNER_ADMIN, 302)),
    "notification_read": Page(post=may(PARTNER_ADMIN, 302)),
    "event_failures": Page(get=may(ADMIN, 200)),
    "event_failure_retry": Page(post=may(ADMIN, 302)),
    "event_failure_dismiss": Page(post=may(ADMIN, 302)),
    "webhooks": Page(get=may(ADMIN, 200), post=may(ADMIN, 400)),
    "webhook_detail": Page(get=may(ADMIN, 200), post=may(ADMIN, 400)),
    "webhook_delete": Page(get=may(ADMIN, 200), post=may(ADMIN, 302)),
    "webhook_set_active": Page(post=may(ADMIN, 302)),
    "webhook_rotate_secret": Page(post=may(ADMIN, 302)),
    "webhook_delivery": Page(get=may(ADMIN, 200)),
    "webhook_redeliver": Page(post=may(ADMIN, 302)),
    # Partners: the directory, profiles, contacts, documents
    "partner_list": Page(get=may(STAFF, 200)),
    "partner_options": Page(get=may(STAFF, 200)),
    "partner_export": Page(get=may(READERS, 200)),
    "partner_import": Page(get=may(MANAGERS, 200), post=may(MANAGERS, 400)),
    "partner_detail": Page(get=may(EVERYONE, 200), post=may(MANAGERS | PARTNER_ADMIN, 400), body=_INVITATION),
    "partner_status": Page(post=may(MANAGERS, 400)),
    "partner_profile_edit": Page(get=may(MANAGERS | PARTNER_ADMIN, 200), post=may(MANAGERS | PARTNER_ADMIN, 302)),
    "portal_profile": Page(get=may(PARTNER_ADMIN, 200), post=may(PARTNER_ADMIN, 302)),
    "partner_contacts": Page(get=may(STAFF | PARTNER_ADMIN, 200), post=may(MANAGERS | PARTNER_ADMIN, 400)),
    "partner_contact_edit": Page(get=may(MANAGERS | PARTNER_ADMIN, 200), post=may(MANAGERS | PARTNER_ADMIN, 400)),
    "partner_contact_delete": Page(post=may(MANAGERS | PARTNER_ADMIN, 302)),
    "partner_documents": Page(get=may(STAFF | PARTNER_ADMIN, 200), post=may(MANAGERS | PARTNER_ADMIN, 400)),
    "partner_document_download": Page(get=may(STAFF | PARTNER_ADMIN, 200)),
    # Partners: recruitment
    "apply": Page(get=may(EVERYONE, 200), post=may(EVERYONE, 400), public=True, visitor={"get": {200}, "post": {400}}),
    "apply_logo": Page(public=True, visitor={"get": {404}, "post": {405}}),  # tenant A has no logo
    "apply_confirm": Page(
        get=may(EVERYONE, 200), post=may(EVERYONE, 200), public=True, visitor={"get": {200}, "post": {200}}
    ),
    "application_list": Page(get=may(READERS, 200)),
    "application_detail": Page(get=may(READERS, 200)),
    "application_approve": Page(post=may(MANAGERS, 302)),
    "application_decline": Page(post=may(MANAGERS, 400)),
    "recruitment_settings": Page(get=may(ADMIN, 200), post=may(ADMIN, 302)),
    "criterion_create": Page(post=may(ADMIN, 400)),
    "criterion_edit": Page(get=may(ADMIN, 200), post=may(ADMIN, 400)),
    "criterion_delete": Page(post=may(ADMIN, 302)),
    # Partners: onboarding
    "onboarding_plans": Page(get=may(MANAGERS, 200), post=may(MANAGERS, 400)),
    "onboarding_settings": Page(get=may(MANAGERS, 302), post=may(MANAGERS, 400)),
    "onboarding_plan": Page(get=may(MANAGERS, 200), post=may(MANAGERS, 400)),
    "onboarding_plan_step": Page(get=may(MANAGERS, 200), post=may(MANAGERS, 400)),
    "onboarding_plan_step_move": Page(get=may(MANAGERS, 302), post=may(MANAGERS, 302)),
    "onboarding_plan_step_remove": Page(get=may(MANAGERS, 302), post=may(MANAGERS, 302)),
    "onboarding_progress": Page(get=may(STAFF, 200)),
    "onboarding_step_complete": Page(post=may(MANAGERS, 302)),
    "partner_onboarding_start": Page(post=may(MANAGERS, 302)),
    "portal_onboarding": Page(get=may(PARTNERS, 200)),
    # Partners: agreements (the world's agreement applies to managed service providers only: neither X nor Y)
    "agreement_list": Page(get=may(STAFF, 200)),
    "agreement_create": Page(get=may(ADMIN, 200), post=may(ADMIN, 400)),
    "agreement_detail": Page(get=may(STAFF, 200)),
    "agreement_version": Page(get=may(STAFF, 200)),
    "agreement_version_create": Page(get=may(ADMIN, 200), post=may(ADMIN, 400)),
    "agreement_version_edit": Page(post=may(ADMIN, 400)),
    "agreement_version_publish": Page(post=may(ADMIN, 400)),
    "portal_agreements": Page(get=may(PARTNERS, 200)),
    "portal_agreement": Page(),
    # Accepting the program agreement (every partner's) with a version of another agreement or tenant.
    "portal_agreement_accept": Page(
        post=may(PARTNER_ADMIN, 400),
        body={"version": Id("agreement_version")},
        kwargs={"agreement_id": lambda w: w.agreement_acceptance_x.version.agreement_id},
        shared=True,
    ),
    # Deal registration
    "deal_list": Page(get=may(EVERYONE, 200), query={"partner_organization": Id("partner")}),
    "deal_create": Page(get=may(MANAGERS | SELLERS, 200), post=may(MANAGERS | SELLERS, 400), body=_DEAL),
    # `exclude`: the registration being edited, left out of its own conflicts.
    "deal_conflict_check": Page(
        get=may(MANAGERS | SELLERS, 200),
        post=may(MANAGERS | SELLERS, 200),
        body={"customer_name": "Harness Customer", "exclude": Id("deal")},
    ),
    "deal_detail": Page(get=may(EVERYONE, 200)),
    "deal_edit": Page(get=may(MANAGERS | SELLERS, 200), post=may(MANAGERS | SELLERS, 400), body=_DEAL),
    "deal_submit": Page(post=may(MANAGERS | SELLERS, 400)),
    "deal_withdraw": Page(post=may(MANAGERS | SELLERS, 302)),
    "deal_answer": Page(post=may(MANAGERS | SELLERS, 400)),
    "deal_close": Page(post=may(MANAGERS | SELLERS, 400)),
    "deal_extension_request": Page(post=may(MANAGERS | SELLERS, 400)),
    "deal_extension_decide": Page(post=may(MANAGERS, 400)),
    "deal_decide": Page(post=may(MANAGERS, 400), body={"decision": "approve", "assign_to": Id("staff_user")}),
    "deal_participants": Page(
        post=may(MANAGERS, 400),
        body={"partner_organization": Id("partner"), "role": "fulfillment", "share": "100"},
    ),
    "deal_queue": Page(get=may(MANAGERS, 200), query={"partner_organization": Id("partner")}),
    "deal_bulk_decide": Page(post=may(MANAGERS, 302), body={"decision": "approve", "registrations": [Id("deal")]}),
    "deal_export": Page(get=may(READERS, 200), query={"partner_organization": Id("partner")}),
    "deal_rules": Page(get=may(ADMIN, 200), post=may(ADMIN, 400)),
    "program_rules": Page(get=may(EVERYONE, 200), public=True, visitor={"get": {200}, "post": {405}}),
    # Enablement: authoring courses (the world's course has version 1 published and version 2 in draft)
    "authoring_courses": Page(get=may(AUTHORS, 200)),
    "authoring_course_create": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400)),
    "authoring_course": Page(get=may(AUTHORS, 200)),
    "authoring_course_details": Page(post=may(AUTHORS, 400)),
    "authoring_course_audience": Page(post=may(AUTHORS, 302)),
    "authoring_course_draft": Page(post=may(AUTHORS, 302)),
    "authoring_course_publish": Page(post=may(AUTHORS, 302)),
    "authoring_course_discard": Page(post=may(AUTHORS, 302)),
    "authoring_course_archive": Page(post=may(AUTHORS, 302)),
    "authoring_course_preview": Page(get=may(AUTHORS, 200)),
    "authoring_module_add": Page(post=may(AUTHORS, 400)),
    # Another side's module in the new order: refused with a message, back to the editor.
    "authoring_modules_order": Page(post=may(AUTHORS, 302), body={"module": [Id("course_module")]}),
    "authoring_module": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400)),
    "authoring_module_delete": Page(post=may(AUTHORS, 302)),
    "authoring_module_move": Page(post=may(AUTHORS, 302)),
    "authoring_lesson_add": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400)),
    "authoring_lessons_order": Page(post=may(AUTHORS, 302), body={"lesson": [Id("lesson")]}),
    # Moving the lesson into another side's module: not a module of this draft.
    "authoring_lesson": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400), body={"module": Id("course_module")}),
    "authoring_lesson_delete": Page(post=may(AUTHORS, 302)),
    "authoring_lesson_move": Page(post=may(AUTHORS, 302)),
    "authoring_lesson_preview": Page(get=may(AUTHORS, 200)),
    # Version 1's file: organization X's people are enrolled in it (Y's are not: 404).
    "lesson_file_download": Page(get=may(AUTHORS | PARTNERS, 200), kwargs={"lesson_id": lambda w: w.lesson_file_a.pk}),
    "authoring_rules": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400), body={"course": Id("course")}),
    "authoring_rule": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400), body={"course": Id("course")}),
    "authoring_rule_delete": Page(post=may(AUTHORS, 302)),
    "authoring_paths": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400)),
    "authoring_path": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400)),
    "authoring_path_course_add": Page(post=may(AUTHORS, 400), body={"course": Id("course")}),
    "authoring_path_courses_order": Page(post=may(AUTHORS, 302), body={"step": [Id("path_step")]}),
    "authoring_path_course_move": Page(post=may(AUTHORS, 302)),
    "authoring_path_course_remove": Page(post=may(AUTHORS, 302)),
    # Quizzes: the authors' editor (empty forms: 400)
    "quiz_list": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400)),
    "quiz_edit": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400)),
    "quiz_question_add": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400), body={"pool": Id("quiz_pool")}),
    "quiz_question_edit": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400), body={"pool": Id("quiz_pool")}),
    "quiz_question_active": Page(post=may(AUTHORS, 302)),
    # Pools: an empty name is refused (400); the world's pool holds questions, so deleting it is refused (302).
    "quiz_pool_add": Page(post=may(AUTHORS, 400)),
    "quiz_pool_edit": Page(post=may(AUTHORS, 400)),
    "quiz_pool_delete": Page(post=may(AUTHORS, 302)),
    # Quizzes: organization X's learner (its partner admin) and the open attempt; a colleague's is a 404. Answers
    # naming another quiz's choices are refused (400; the autosave sends the page back with the message: 302).
    "quiz_lesson": Page(get=may(PARTNER_ADMIN, 200), kwargs=QUIZ_LESSON_KWARGS),
    "quiz_attempt_start": Page(post=may(PARTNER_ADMIN, 302), kwargs=QUIZ_LESSON_KWARGS),
    # The attempt is open: its page sends the learner to the lesson's.
    "quiz_attempt": Page(get=may(PARTNER_ADMIN, 302), kwargs=QUIZ_LESSON_KWARGS),
    "quiz_attempt_save": Page(
        post=may(PARTNER_ADMIN, 302),
        body={"q1": Id("quiz_choice"), "q2": Id("quiz_choice")},
        kwargs=QUIZ_LESSON_KWARGS,
    ),
    "quiz_attempt_submit": Page(
        post=may(PARTNER_ADMIN, 400),
        body={"q1": Id("quiz_choice"), "q2": Id("quiz_choice")},
        kwargs=QUIZ_LESSON_KWARGS,
    ),
    # Certifications (the world's award is X's partner admin's: theirs, X's partner admin's and staff's to open)
    "certification_list": Page(get=may(STAFF, 200)),
    "certification_create": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400), body=_CERTIFICATION),
    "certification_detail": Page(get=may(STAFF, 200)),
    "certification_edit": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 400), body=_CERTIFICATION),
    "certification_award": Page(get=may(STAFF | PARTNER_ADMIN, 200)),
    "certification_award_revoke": Page(post=may(MANAGERS, 302), body={"reason": "Harness revocation"}),
    "certification_award_pdf": Page(get=may(STAFF | PARTNER_ADMIN, 200)),
    "certification_award_credential": Page(get=may(STAFF | PARTNER_ADMIN, 200)),
    "my_certifications": Page(get=may(PARTNERS, 200)),
    "team_certifications": Page(get=may(PARTNER_ADMIN, 200)),
    "certification_verify": Page(get=may(EVERYONE, 200), public=True, visitor={"get": {200}, "post": {405}}),
    "credential_issuer_did": Page(get=may(EVERYONE, 200), public=True, visitor={"get": {200}, "post": {405}}),
    "credential_jwks": Page(get=may(EVERYONE, 200), public=True, visitor={"get": {200}, "post": {405}}),
    "credential_status_list": Page(get=may(EVERYONE, 200), public=True, visitor={"get": {200}, "post": {405}}),
    # Learning reports
    "enablement_report": Page(get=may(STAFF, 200)),
    "enablement_report_export": Page(get=may(STAFF, 200)),
    # Enablement: SCORM (tests/security/world_scorm.py). The player and its commits are X's partner admin's own.
    "scorm_upload": Page(
        get=may(AUTHORS, 200), post=may(AUTHORS, 400), body={"module": Id("course_module"), "title": "Harness"}
    ),
    "scorm_preview": Page(get=may(AUTHORS, 200), kwargs=_SCORM),
    "scorm_player": Page(get=may(PARTNER_ADMIN, 200), kwargs=_SCORM),
    # The runtime's commit of a form-encoded body (not JSON): refused as such, for the learner only.
    "scorm_commit": Page(post=may(PARTNER_ADMIN, 400), kwargs=_SCORM),
    # A package's files: a bearer link (the content token), like an invitation's.
    "scorm_content": Page(get=may(EVERYONE, 200), public=True, visitor={"get": {200}, "post": {405}}, kwargs=_SCORM),
    # Learning. Courses and paths are the program's (every organization's): Y's people see what X's see, and the
    # audience decides (the world's second course is for ISVs only). The enrollment is X's admin's own.
    "learning_home": Page(get=may(PARTNERS, 200)),
    "learning_catalogue": Page(get=may(EVERYONE, 200)),
    "learning_course_overview": Page(get=may(EVERYONE, 200), shared=True, kwargs=LEARNING_KWARGS),
    "learning_enroll": Page(post=may(PARTNERS, 302), shared=True, kwargs=LEARNING_KWARGS),
    "learning_course": Page(get=may(PARTNER_ADMIN, 200), kwargs=LEARNING_KWARGS),
    "learning_retake": Page(
        post=may(PARTNER_ADMIN, 302), kwargs=LEARNING_KWARGS
    ),  # not completed: refused with a message
    "learning_lesson": Page(get=may(PARTNER_ADMIN, 200), post=may(PARTNER_ADMIN, 302), kwargs=LEARNING_KWARGS),
    "learning_lesson_file": Page(
        get=may(PARTNER_ADMIN, 200), kwargs={**LEARNING_KWARGS, "lesson_id": lambda w: w.learn_lesson_file_a.pk}
    ),
    "learning_paths": Page(get=may(EVERYONE, 200)),
    "learning_path_start": Page(post=may(PARTNERS, 302), shared=True),
    # A partner admin assigns to its own people (another's is a form error); staff name the partner, and another
    # tenant's partner does not exist for them.
    "learning_team": Page(
        get=may(STAFF | PARTNER_ADMIN, 200),
        post=may(PARTNER_ADMIN, 400),
        body={"partner": Id("partner"), "user": Id("partner_user"), "course": Id("course"), "due_on": _in(10)},
    ),
    "learning_rule_backfill": Page(get=may(AUTHORS, 200), post=may(AUTHORS, 302)),
    # A partner's own tier: no id in the address, so Y's people see Y's tier and staff have no such page.
    "my_tier": Page(get=may(PARTNERS, 200)),
    # Analytics (tests/security/world_analytics.py). The dashboard, its exports and every partner's scorecard are
    # staff pages; a partner's own scorecard has no id in the address. Costs: staff read, admins and finance write
    # (other staff get 403 on a POST); the body names another side's partner: a form error.
    "analytics_dashboard": Page(get=may(STAFF, 200)),
    "analytics_export": Page(get=may(STAFF, 200), query={"table": "ropi_by_partner"}),
    "analytics_partner_scorecard": Page(get=may(STAFF, 200)),
    "analytics_my_scorecard": Page(get=may(PARTNERS, 200)),
    "analytics_costs": Page(get=may(STAFF, 200), post=may(COST_MANAGERS, 400), body=_COST),
    "analytics_cost_import": Page(get=may(COST_MANAGERS, 200), post=may(COST_MANAGERS, 400)),
    "analytics_cost_delete": Page(post=may(COST_MANAGERS, 302)),
    "analytics_rates": Page(
        get=may(STAFF, 200), post=may(COST_MANAGERS, 302), body={"currency": "GBP", "rate": "1.25"}
    ),
    # The staff's tier pages: the overview and the what-if simulation (a GET form), a partner's tier history with
    # its override form (another tenant's tier: a form error), ending X's override and recalculating X now.
    "tier_overview": Page(get=may(STAFF, 200)),
    "tier_what_if": Page(get=may(STAFF, 200)),
    "partner_tier": Page(get=may(STAFF, 200)),
    "partner_tier_override": Page(
        post=may(MANAGERS, 400), body={"tier": Id("tier"), "reason": "Harness override", "ends_on": _in(30)}
    ),
    "partner_tier_override_end": Page(post=may(MANAGERS, 302)),
    "partner_tier_recalculate": Page(post=may(MANAGERS, 302)),
}
