"""The SCORM runtime's server side: launching an item, and the commits scorm-again posts (valid and invalid
values, the sendBeacon `text/plain` body, another learner's attempt), resume on relaunch, and how a package's
completion and pass count for the lesson and the course."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enablement.models import EnrollmentStatus, LessonProgress, LessonProgressStatus, ScormAttempt, ScormSco
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.factories import EnrollmentFactory
from tests.enablement.scorm_factories import scorm12_files, scorm2004_files, scorm_lesson, use_private_storage
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, TenantFactory
from tests.partners.onboarding_support import events_of, fresh

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def private_storage(settings, tmp_path):
    return use_private_storage(settings, tmp_path)


@pytest.fixture
def learner(tenant, partner_org):
    return PartnerUserFactory(
        tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES, user__first_name="Ada"
    )


@pytest.fixture
def lesson12(tenant):
    return scorm_lesson(tenant, scorm12_files())


@pytest.fixture
def enrollment(tenant, learner, lesson12):
    return EnrollmentFactory(tenant=tenant, course=lesson12.module.version.course, membership=learner)


def player_url(tenant, enrollment, lesson, sco=None):
    url = reverse("scorm_player", args=[tenant.slug, enrollment.pk, lesson.pk])
    return f"{url}?sco={sco.pk}" if sco else url


def open_player(client, tenant, enrollment, lesson, sco=None):
    response = client.get(player_url(tenant, enrollment, lesson, sco))
    assert response.status_code == 200, response.status_code
    return response.context["config"]


def commit(client, config, payload, content_type="application/json"):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(config["commitUrl"], data=body, content_type=content_type)


def attempt_of(tenant, enrollment):
    with tenant_context(tenant):
        return ScormAttempt.objects.filter(enrollment=enrollment).first()


def progress_of(tenant, enrollment, lesson):
    with tenant_context(tenant):
        return LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).first()


def test_first_launch_gives_the_runtime_a_fresh_attempt_with_the_lms_values(
    client, tenant, learner, enrollment, lesson12
):
    login(client, learner)
    config = open_player(client, tenant, enrollment, lesson12)
    assert config["version"] == "1.2"
    core = config["cmi"]["core"]
    assert core["entry"] == "ab-initio" and core["lesson_status"] == "not attempted"
    assert core["student_id"] == str(learner.user.pk) and core["student_name"].endswith(", Ada")
    assert config["cmi"]["student_data"]["mastery_score"] == "80"
    assert config["commitUrl"].startswith(f"/t/{tenant.slug}/learning/scorm/commit/")
    # Opening the lesson starts it: the enrollment is in progress and "Resume" comes back here.
    assert fresh(tenant, enrollment).status == EnrollmentStatus.IN_PROGRESS
    assert fresh(tenant, enrollment).last_lesson_id == lesson12.pk


def test_valid_commit_is_stored_and_answered_as_scorm_again_expects(client, tenant, learner, enrollment, lesson12):
    login(client, learner)
    config = open_player(client, tenant, enrollment, lesson12)
    payload = {
        "cmi": {
            "suspend_data": "page=2",
            "core": {
                "lesson_status": "incomplete",
                "session_time": "00:01:00",
                "exit": "suspend",
                "total_time": "00:03:00",
            },
        }
    }

    response = commit(client, config, payload)

    assert response.status_code == 200
    body = response.json()
    assert (body["result"], body["errorCode"]) == (True, 0)
    assert body["item"]["status"] == "incomplete" and body["item"]["label"] == "In progress"
    attempt = attempt_of(tenant, enrollment)
    assert attempt.cmi["suspend_data"] == "page=2" and attempt.completion_status == "incomplete"
    assert (attempt.total_seconds, attempt.commit_count, attempt.user_id) == (180, 1, learner.user_id)
    assert progress_of(tenant, enrollment, lesson12).status == LessonProgressStatus.STARTED


def test_relaunch_resumes_from_the_stored_cmi_data(client, tenant, learner, enrollment, lesson12):
    login(client, learner)
    config = open_player(client, tenant, enrollment, lesson12)
    commit(client, config, {"cmi": {"suspend_data": "slide=7", "core": {"lesson_location": "7", "exit": "suspend"}}})

    again = open_player(client, tenant, enrollment, lesson12)

    core = again["cmi"]["core"]
    assert again["cmi"]["suspend_data"] == "slide=7" and core["lesson_location"] == "7"
    assert core["entry"] == "resume"
    assert "exit" not in core and "session_time" not in core  # write-only: never handed back


def test_passing_commit_completes_the_lesson_and_the_course(client, tenant, learner, enrollment, lesson12):
    login(client, learner)
    config = open_player(client, tenant, enrollment, lesson12)

    response = commit(
        client,
        config,
        {"cmi": {"core": {"lesson_status": "completed", "score": {"raw": "90", "min": "0", "max": "100"}}}},
    )

    assert response.json()["item"]["status"] == "passed"  # mastery score 80 from the manifest decides
    assert response.json()["lesson"] == {"completed": True, "passed": True, "score": "90.00"}
    progress = progress_of(tenant, enrollment, lesson12)
    assert (progress.status, progress.score) == (LessonProgressStatus.COMPLETED, Decimal("90.00"))
    assert fresh(tenant, enrollment).status == EnrollmentStatus.COMPLETED
    assert len(events_of(tenant, "course.completed")) == 1


def test_score_under_the_mastery_score_fails_the_lesson(client, tenant, learner, enrollment, lesson12):
    login(client, learner)
    config = open_player(client, tenant, enrollment, lesson12)
    commit(client, config, {"cmi": {"core": {"lesson_status": "completed", "score": {"raw": "60"}}}})
    assert progress_of(tenant, enrollment, lesson12).status == LessonProgressStatus.FAILED
    assert fresh(tenant, enrollment).status == EnrollmentStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("cmi", "field", "words"),
    [
        ({"core": {"lesson_status": "done"}}, "cmi.core.lesson_status", "not one of"),
        ({"core": {"score": {"raw": "150"}}}, "cmi.core.score.raw", "outside 0 to 100"),
        ({"core": {"score": {"raw": "ninety"}}}, "cmi.core.score.raw", "not a number"),
        ({"core": {"session_time": "1 minute"}}, "cmi.core.session_time", "time span"),
        ({"core": {"exit": "crash"}}, "cmi.core.exit", "not one of"),
        ({"suspend_data": "x" * 4097}, "cmi.suspend_data", "longer than 4096"),
        ({"core": {"lesson_location": "y" * 256}}, "cmi.core.lesson_location", "longer than 255"),
        ({"interactions": {"0": {"type": "essay"}}}, "cmi.interactions.0.type", "not one of"),
        ({"favourite_colour": "blue"}, "cmi.favourite_colour", "not an element"),
        ({"core": {"lesson_status": ["passed"]}}, "cmi.core.lesson_status", "not a list"),
    ],
)
def test_invalid_12_values_are_refused_naming_the_element_and_nothing_is_stored(
    client, tenant, learner, enrollment, lesson12, cmi, field, words
):
    login(client, learner)
    config = open_player(client, tenant, enrollment, lesson12)

    response = commit(client, config, {"cmi": cmi})

    assert response.status_code == 400
    body = response.json()
    assert (body["result"], body["errorCode"], body["field"]) == (False, 101, field)
    assert words in body["detail"], body["detail"]
    assert attempt_of(tenant, enrollment) is None


def test_commit_that_is_not_json_is_refused(client, tenant, learner, enrollment, lesson12):
    login(client, learner)
    config = open_player(client, tenant, enrollment, lesson12)
    response = commit(client, config, "lesson_status=passed", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.json()["field"] == "cmi"


def test_final_commit_sent_by_beacon_as_text_plain_is_accepted(client, tenant, learner, enrollment, lesson12):
    login(client, learner)
    config = open_player(client, tenant, enrollment, lesson12)
    body = json.dumps({"cmi": {"core": {"lesson_status": "passed", "exit": "", "total_time": "00:10:00"}}})

    response = client.post(config["commitUrl"], data=body, content_type="text/plain;charset=UTF-8")

    assert response.status_code == 200 and response.json()["result"] is True
    assert attempt_of(tenant, enrollment).completion_status == "passed"
    assert progress_of(tenant, enrollment, lesson12).status == LessonProgressStatus.COMPLETED


def test_commit_needs_no_csrf_token_but_a_valid_commit_token(tenant, learner, enrollment, lesson12):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login(client, learner)
    config = open_player(client, tenant, enrollment, lesson12)
    assert commit(client, config, {"cmi": {"core": {"lesson_status": "incomplete"}}}).status_code == 200
    forged = config["commitUrl"].replace("/commit/", "/commit/x")
    assert client.post(forged, data="{}", content_type="application/json").status_code == 404


@pytest.mark.parametrize("who", ["colleague", "other_organization", "staff"])
def test_another_learner_cannot_commit_to_my_attempt(client, tenant, learner, enrollment, lesson12, who):
    login(client, learner)
    config = open_player(client, tenant, enrollment, lesson12)
    client.logout()
    other = {
        "colleague": lambda: PartnerUserFactory(tenant=tenant, partner_organization=learner.partner_organization),
        "other_organization": lambda: PartnerUserFactory(
            tenant=tenant, partner_organization=PartnerOrganizationFactory(tenant=tenant)
        ),
        "staff": lambda: StaffFactory(tenant=tenant),
    }[who]()
    login(client, other)

    response = commit(client, config, {"cmi": {"core": {"lesson_status": "passed"}}})

    assert response.status_code == 404
    assert attempt_of(tenant, enrollment) is None
    # Nor can they open my enrollment's player.
    assert client.get(player_url(tenant, enrollment, lesson12)).status_code == 404


def test_another_tenants_user_gets_404_on_my_player_and_my_commits(client, tenant, learner, enrollment, lesson12):
    login(client, learner)
    config = open_player(client, tenant, enrollment, lesson12)
    client.logout()
    other_tenant = TenantFactory(slug="globex")
    stranger = PartnerUserFactory(
        tenant=other_tenant, partner_organization=PartnerOrganizationFactory(tenant=other_tenant)
    )
    login(client, stranger)
    assert commit(client, config, {"cmi": {"core": {"lesson_status": "passed"}}}).status_code == 404
    assert client.get(player_url(tenant, enrollment, lesson12)).status_code == 404
    # My commit token under their own program's address is unknown there too.
    elsewhere = config["commitUrl"].replace(f"/t/{tenant.slug}/", "/t/globex/")
    assert client.post(elsewhere, data="{}", content_type="application/json").status_code == 404
    assert attempt_of(tenant, enrollment) is None


# SCORM 2004, several items --------------------------------------------------------------------------------------


@pytest.fixture
def lesson2004(tenant):
    return scorm_lesson(tenant, scorm2004_files(), title="Threat defence")


@pytest.fixture
def enrollment2004(tenant, learner, lesson2004):
    return EnrollmentFactory(tenant=tenant, course=lesson2004.module.version.course, membership=learner)


def scos_of(tenant, lesson):
    with tenant_context(tenant):
        return {s.identifier: s for s in ScormSco.objects.filter(package=lesson.scorm_package)}


def test_2004_items_roll_up_into_the_lesson(client, tenant, learner, enrollment2004, lesson2004):
    login(client, learner)
    scos = scos_of(tenant, lesson2004)
    config = open_player(client, tenant, enrollment2004, lesson2004)
    assert config["version"] == "2004" and config["cmi"]["entry"] == "ab-initio"
    assert config["nextUrl"].endswith(f"?sco={scos['sco-quiz'].pk}")  # flow: the next item in the contents

    intro = commit(client, config, {"cmi": {"completion_status": "completed", "score": {"scaled": "0.2"}}})
    assert intro.json()["lesson"]["completed"] is False  # the quiz is still to do

    quiz = open_player(client, tenant, enrollment2004, lesson2004, scos["sco-quiz"])
    assert quiz["cmi"]["scaled_passing_score"] == "0.8"
    response = commit(
        client,
        quiz,
        {"cmi": {"completion_status": "completed", "success_status": "unknown", "score": {"scaled": "0.9"}}},
    )

    # The quiz is passed by its measure; the glossary is not tracked; the introduction's score weighs nothing.
    assert response.json()["item"]["status"] == "passed"
    assert response.json()["lesson"] == {"completed": True, "passed": True, "score": "90.00"}
    assert progress_of(tenant, enrollment2004, lesson2004).status == LessonProgressStatus.COMPLETED


def test_2004_failed_quiz_fails_the_lesson(client, tenant, learner, enrollment2004, lesson2004):
    login(client, learner)
    quiz = open_player(client, tenant, enrollment2004, lesson2004, scos_of(tenant, lesson2004)["sco-quiz"])
    commit(client, quiz, {"cmi": {"completion_status": "completed", "score": {"scaled": "0.5"}}})
    assert progress_of(tenant, enrollment2004, lesson2004).status == LessonProgressStatus.FAILED


@pytest.mark.parametrize(
    ("cmi", "field"),
    [
        ({"completion_status": "passed"}, "cmi.completion_status"),
        ({"success_status": "completed"}, "cmi.success_status"),
        ({"score": {"scaled": "1.5"}}, "cmi.score.scaled"),
        ({"progress_measure": "-0.1"}, "cmi.progress_measure"),
        ({"session_time": "00:01:00"}, "cmi.session_time"),
        ({"suspend_data": "z" * 64001}, "cmi.suspend_data"),
        ({"location": "l" * 1001}, "cmi.location"),
        ({"interactions": {"0": {"result": "wrong"}}}, "cmi.interactions.0.result"),
    ],
)
def test_invalid_2004_values_are_refused(client, tenant, learner, enrollment2004, lesson2004, cmi, field):
    login(client, learner)
    config = open_player(client, tenant, enrollment2004, lesson2004)
    response = commit(client, config, {"cmi": cmi})
    assert response.status_code == 400
    assert (response.json()["errorCode"], response.json()["field"]) == (391, field)
    assert attempt_of(tenant, enrollment2004) is None


def test_2004_total_time_survives_commits_that_do_not_carry_it(client, tenant, learner, enrollment2004, lesson2004):
    login(client, learner)
    config = open_player(client, tenant, enrollment2004, lesson2004)
    commit(client, config, {"cmi": {"total_time": "PT1H2M3S", "exit": "suspend", "suspend_data": "a"}})
    commit(client, config, {"cmi": {"location": "page 3", "exit": "suspend", "suspend_data": "b"}})
    again = open_player(client, tenant, enrollment2004, lesson2004)
    assert again["cmi"]["total_time"] == "PT1H2M3S" and again["cmi"]["entry"] == "resume"
    assert attempt_of(tenant, enrollment2004).total_seconds == 3723


def test_an_asset_is_completed_by_opening_it(client, tenant, learner, enrollment2004, lesson2004):
    login(client, learner)
    glossary = open_player(client, tenant, enrollment2004, lesson2004, scos_of(tenant, lesson2004)["glossary"])
    assert glossary["asset"] is True
    response = commit(client, glossary, {"cmi": {}})
    assert response.json()["item"]["status"] == "completed"


def test_player_shows_the_contents_with_each_items_status(client, tenant, learner, enrollment2004, lesson2004):
    login(client, learner)
    config = open_player(client, tenant, enrollment2004, lesson2004)
    commit(client, config, {"cmi": {"completion_status": "completed"}})
    page = client.get(player_url(tenant, enrollment2004, lesson2004)).content.decode()
    # The first item not completed is where the player resumes.
    rows = client.get(player_url(tenant, enrollment2004, lesson2004)).context["rows"]
    assert [(r["title"], r["status"], r["current"]) for r in rows] == [
        ("Module 1: Threats", "", False),
        ("Introduction", "completed", False),
        ("Check your knowledge", "not attempted", True),
        ("Glossary", "not attempted", False),
    ]
    assert "Completed" in page and 'aria-current="step"' in page


def test_player_runs_the_same_number_of_queries_whatever_the_number_of_items(
    client, tenant, learner, enrollment, lesson12, enrollment2004, lesson2004
):
    login(client, learner)
    open_player(client, tenant, enrollment, lesson12)
    open_player(client, tenant, enrollment2004, lesson2004)
    counts = []
    for current_enrollment, lesson in ((enrollment, lesson12), (enrollment2004, lesson2004)):
        with CaptureQueriesContext(connection) as captured:
            open_player(client, tenant, current_enrollment, lesson)
        counts.append(len(captured))
    assert counts[0] == counts[1] and counts[0] <= 30, counts
