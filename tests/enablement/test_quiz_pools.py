"""Question pools: a quiz draws its number from each of its named pools ("6 from Networking, 4 from Licensing");
authors create, rename and delete pools and put each question in one; the data migration gave every existing quiz
one pool drawing what the quiz drew."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from enablement.models import AttemptQuestion, Question, QuestionPool
from enablement.services.quizzes import (
    pool_add,
    pool_delete,
    pool_update,
    question_add,
    question_edit,
    question_set_active,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from prm.db.base import owner_mode
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from tests.conftest import login
from tests.enablement.factories import QuizFactory, add_pool, add_question
from tests.enablement.quiz_support import TIER, quiz_world
from tests.factories import StaffFactory, TenantFactory

pytestmark = pytest.mark.django_db


def pooled_world(**settings):
    """The quiz world's three questions in "Questions" (drawing 2), plus "Networking" of five questions drawing 3
    and "Licensing" of two drawing every one: 7 questions per attempt."""
    world = quiz_world(questions_per_attempt=2, shuffle_questions=True, shuffle_choices=True, **settings)
    world.networking = add_pool(world.quiz, "Networking", questions_per_attempt=3)
    world.licensing = add_pool(world.quiz, "Licensing")
    for n in range(5):
        add_question(world.quiz, f"Networking {n}", (("Yes", True), ("No", False)), pool=world.networking)
    for n in range(2):
        add_question(world.quiz, f"Licensing {n}", (("Yes", True), ("No", False)), pool=world.licensing)
    return world


def drawn_per_pool(world, attempt) -> dict[str, int]:
    with world.scoped():
        names = AttemptQuestion.objects.filter(attempt=attempt).values_list(
            "question_version__question__pool__name", flat=True
        )
        counts: dict[str, int] = {}
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        return counts


def take(world):
    """Start an attempt, submit it blank (the next one may start at once), and return it."""
    with world.scoped():
        attempt = quiz_attempt_start(actor=world.learner, enrollment=world.enrollment, lesson=world.lesson)
        quiz_attempt_submit(actor=world.learner, attempt=attempt)
    return attempt


# Drawing -----------------------------------------------------------------------------------------------------------


def test_every_attempt_draws_each_pools_number_of_its_questions():
    world = pooled_world()
    for _ in range(6):
        assert drawn_per_pool(world, take(world)) == {"Questions": 2, "Networking": 3, "Licensing": 2}


def test_questions_taken_out_are_never_drawn_and_a_pool_short_of_its_number_draws_what_it_has():
    world = pooled_world()
    with world.scoped():
        retired = Question.objects.filter(pool=world.networking).order_by("position")[:3]
        retired_ids = [question.pk for question in retired]
        for question in Question.objects.filter(pk__in=retired_ids):
            question_set_active(actor=world.author, question=question, active=False)
    attempt = take(world)
    assert drawn_per_pool(world, attempt) == {"Questions": 2, "Networking": 2, "Licensing": 2}
    with world.scoped():
        drawn = set(
            AttemptQuestion.objects.filter(attempt=attempt).values_list("question_version__question", flat=True)
        )
    assert not drawn & set(retired_ids)


def test_an_attempt_keeps_what_it_drew_when_a_question_moves_to_another_pool():
    world = pooled_world()
    with world.scoped():
        attempt = quiz_attempt_start(actor=world.learner, enrollment=world.enrollment, lesson=world.lesson)
        before = list(AttemptQuestion.objects.filter(attempt=attempt).values_list("question_version_id", flat=True))
        question = world.questions[TIER].question
        question_edit(
            actor=world.author,
            question=question,
            kind="single",
            text=TIER,
            choices=[("Platinum", True), ("Silver", False), ("Registered", False)],
            explanation="Platinum sits above Gold and Silver.",
            pool_id=world.licensing.pk,
        )
        question.refresh_from_db()
        # Moving is no new version: the wording did not change.
        assert question.pool_id == world.licensing.pk and question.current_version.number == 1
        after = list(AttemptQuestion.objects.filter(attempt=attempt).values_list("question_version_id", flat=True))
    assert after == before


# Authoring ---------------------------------------------------------------------------------------------------------


def test_an_author_adds_renames_and_sets_a_pools_draw_and_deletes_an_empty_one():
    world = pooled_world()
    with world.scoped():
        pool = pool_add(actor=world.author, quiz=world.quiz, name="  Security  ")
        assert (pool.name, pool.questions_per_attempt, pool.position) == ("Security", None, 4)
        question = question_add(
            actor=world.author,
            quiz=world.quiz,
            kind="true_false",
            text="TLS inspection needs a certificate.",
            choices=[("True", True), ("False", False)],
            pool_id=pool.pk,
        )
        assert question.pool_id == pool.pk
        pool = pool_update(actor=world.author, pool=pool, name="Security basics", questions_per_attempt=1)
        assert (pool.name, pool.questions_per_attempt) == ("Security basics", 1)
        empty = pool_add(actor=world.author, quiz=world.quiz, name="Later")
        pool_delete(actor=world.author, pool=empty)
        assert list(world.quiz.pools.values_list("name", flat=True)) == [
            "Questions",
            "Networking",
            "Licensing",
            "Security basics",
        ]
    assert drawn_per_pool(world, take(world)) == {"Questions": 2, "Networking": 3, "Licensing": 2, "Security basics": 1}


def test_a_question_without_a_named_pool_goes_to_the_first():
    world = pooled_world()
    with world.scoped():
        question = question_add(
            actor=world.author,
            quiz=world.quiz,
            kind="true_false",
            text="New",
            choices=[("True", True), ("False", False)],
        )
        assert question.pool.name == "Questions"


@pytest.mark.parametrize(
    ("name", "draw", "field", "message"),
    [
        (" ", None, "name", "Name the pool"),
        ("networking", None, "name", "already has a pool with this name"),
        ("Networking 2", 0, "questions_per_attempt", "from 1 to"),
        ("Networking 2", "3", "questions_per_attempt", "whole number"),
    ],
)
def test_a_bad_new_pool_is_refused_naming_the_field(name, draw, field, message):
    world = pooled_world()
    with world.scoped(), pytest.raises(ValidationFailed, match=message) as refused:
        pool_add(actor=world.author, quiz=world.quiz, name=name, questions_per_attempt=draw)
    assert refused.value.field == field
    with world.scoped():
        assert world.quiz.pools.count() == 3


def test_a_pool_cannot_draw_more_than_its_active_questions():
    world = pooled_world()
    with world.scoped():
        with pytest.raises(ValidationFailed, match="has 5 active questions") as refused:
            pool_update(actor=world.author, pool=world.networking, name="Networking", questions_per_attempt=6)
        assert refused.value.field == "questions_per_attempt"
        # A new pool holds none yet: it draws all of them until it has some.
        with pytest.raises(ValidationFailed, match="has 0 active questions"):
            pool_add(actor=world.author, quiz=world.quiz, name="Empty", questions_per_attempt=1)
        world.networking.refresh_from_db()
        assert world.networking.questions_per_attempt == 3
        assert not QuestionPool.objects.filter(name="Empty").exists()


def test_a_pool_holding_questions_or_the_last_pool_cannot_be_deleted():
    world = pooled_world()
    with world.scoped():
        with pytest.raises(InvalidTransition, match="holds 2 questions: move them to another pool first") as refused:
            pool_delete(actor=world.author, pool=world.licensing)
        assert refused.value.field == "pool"
        # Taken out of the draws, a question is still in its pool (past attempts drew it).
        for question in Question.objects.filter(pool=world.licensing):
            question_set_active(actor=world.author, question=question, active=False)
        with pytest.raises(InvalidTransition, match="holds 2 questions"):
            pool_delete(actor=world.author, pool=world.licensing)
    lone = QuizFactory(tenant=world.tenant)
    with world.scoped():
        with pytest.raises(InvalidTransition, match="at least one pool"):
            pool_delete(actor=world.author, pool=lone.pools.get())
        assert QuestionPool.objects.filter(quiz__in=[world.quiz, lone]).count() == 4


def test_a_question_cannot_go_to_another_quizs_pool():
    world = pooled_world()
    other = QuizFactory(tenant=world.tenant)
    with world.scoped():
        other_pool = other.pools.get()
        with pytest.raises(ValidationFailed, match="one of this quiz's pools") as refused:
            question_add(
                actor=world.author,
                quiz=world.quiz,
                kind="true_false",
                text="Stray",
                choices=[("True", True), ("False", False)],
                pool_id=other_pool.pk,
            )
        assert refused.value.field == "pool"
        assert not Question.objects.filter(versions__text="Stray").exists()
        question = world.questions[TIER].question
        with pytest.raises(ValidationFailed) as refused:
            question_edit(
                actor=world.author,
                question=question,
                kind="single",
                text="Changed",
                choices=[("Platinum", True), ("Silver", False)],
                pool_id=other_pool.pk,
            )
        assert refused.value.field == "pool"
        question.refresh_from_db()
        assert question.pool.name == "Questions" and question.current_version.text == TIER


def test_only_authors_manage_pools():
    world = pooled_world()
    with world.scoped():
        with pytest.raises(PermissionDenied):
            pool_add(actor=world.learner, quiz=world.quiz, name="Sneaky")
        with pytest.raises(PermissionDenied):
            pool_delete(actor=world.learner, pool=world.licensing)


# The editor --------------------------------------------------------------------------------------------------------


def editor(world):
    return reverse("quiz_edit", args=[world.tenant.slug, world.quiz.pk])


def pool_url(world, name, pool):
    return reverse(name, args=[world.tenant.slug, world.quiz.pk, pool.pk])


def test_the_editor_shows_each_pools_draw_and_manages_pools(client):
    world = pooled_world()
    login(client, world.author)
    page = client.get(editor(world)).content.decode()
    assert "draws 3 of 5 active questions" in page and "draws 2 of 2 active questions" in page
    assert "each attempt draws 7" in page

    add = reverse("quiz_pool_add", args=[world.tenant.slug, world.quiz.pk])
    assert client.post(add, {"name": "Security", "questions_per_attempt": ""}).status_code == 302
    with world.scoped():
        security = world.quiz.pools.get(name="Security")
    assert client.post(pool_url(world, "quiz_pool_edit", security), {"name": "Security basics"}).status_code == 302

    # A question goes to the pool the author picks.
    question = {"kind": "true_false", "text": "TLS needs a certificate.", "points": "1", "pool": str(security.pk)}
    question |= {"choice_text_1": "True", "choice_correct_1": "on", "choice_text_2": "False"}
    assert (
        client.post(reverse("quiz_question_add", args=[world.tenant.slug, world.quiz.pk]), question).status_code == 302
    )
    with world.scoped():
        assert Question.objects.get(current_version__text="TLS needs a certificate.").pool_id == security.pk
    page = client.get(editor(world)).content.decode()
    assert "Security basics" in page and "each attempt draws 8" in page

    empty = add_pool(world.quiz, "Later")
    assert client.post(pool_url(world, "quiz_pool_delete", empty)).status_code == 302
    with world.scoped():
        assert not QuestionPool.objects.filter(pk=empty.pk).exists()


def test_the_editor_refuses_a_draw_above_the_pools_questions_naming_the_field(client):
    world = pooled_world()
    login(client, world.author)
    response = client.post(
        pool_url(world, "quiz_pool_edit", world.networking), {"name": "Networking", "questions_per_attempt": "9"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="pool{world.networking.pk}-questions_per_attempt-error"' in page
    assert "This pool has 5 active questions: it cannot draw more." in page
    with world.scoped():
        world.networking.refresh_from_db()
    assert world.networking.questions_per_attempt == 3

    response = client.post(reverse("quiz_pool_add", args=[world.tenant.slug, world.quiz.pk]), {"name": "networking"})
    assert response.status_code == 400
    assert 'id="new-pool-name-error"' in response.content.decode()


def test_deleting_a_pool_with_questions_says_why(client):
    world = pooled_world()
    login(client, world.author)
    response = client.post(pool_url(world, "quiz_pool_delete", world.licensing), follow=True)
    assert "The pool “Licensing” holds 2 questions: move them to another pool first." in response.content.decode()
    with world.scoped():
        assert QuestionPool.objects.filter(pk=world.licensing.pk).exists()


def test_the_editor_reads_a_constant_number_of_queries(client, django_assert_max_num_queries):
    world = pooled_world()
    login(client, world.author)
    client.get(editor(world))
    with django_assert_max_num_queries(20) as captured:
        client.get(editor(world))
    small = len(captured)
    for n in range(6):
        add_question(world.quiz, f"More {n}", (("Yes", True), ("No", False)), pool=add_pool(world.quiz, f"More {n}"))
    with django_assert_max_num_queries(small):
        client.get(editor(world))


def test_another_tenants_author_gets_404_on_every_pool_route(client):
    world = pooled_world()
    other = TenantFactory(slug="otherquiz")
    stranger = StaffFactory(tenant=other, role="channel_manager")
    login(client, stranger)
    for name in ("quiz_pool_edit", "quiz_pool_delete"):
        url = reverse(name, args=[other.slug, world.quiz.pk, world.networking.pk])
        assert client.post(url, {"name": "Mine", "questions_per_attempt": "1"}).status_code == 404
    url = reverse("quiz_pool_add", args=[other.slug, world.quiz.pk])
    assert client.post(url, {"name": "Mine"}).status_code == 404
    # A pool of another quiz under this quiz's URL: 404 too.
    mine = QuizFactory(tenant=world.tenant)
    login(client, world.author)
    with world.scoped():
        foreign = mine.pools.get()
    url = reverse("quiz_pool_edit", args=[world.tenant.slug, world.quiz.pk, foreign.pk])
    assert client.post(url, {"name": "Moved"}).status_code == 404
    with world.scoped():
        world.networking.refresh_from_db()
        foreign.refresh_from_db()
    assert world.networking.name == "Networking" and foreign.name == "Questions"


# The data migration ------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_quiz_one_pool_drawing_what_it_drew():
    """Back to before pools, a quiz drawing 2 of its 3 questions; forward again: one pool, "Questions", holding the
    three and drawing 2 — and one that drew all draws all."""
    before = [("enablement", "0005_question_pools")]
    latest = [("enablement", "0007_question_pool_required")]
    tenant = TenantFactory(slug="migrated")
    with owner_mode(connection):
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        Quiz = apps.get_model("enablement", "Quiz")
        Question = apps.get_model("enablement", "Question")
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.all_tenants', 'on', false)")
        drawing = Quiz.objects.create(tenant_id=tenant.pk, title="Draws two", questions_per_attempt=2)
        everything = Quiz.objects.create(tenant_id=tenant.pk, title="Draws all", questions_per_attempt=None)
        for position in (1, 2, 3):
            Question.objects.create(tenant_id=tenant.pk, quiz=drawing, position=position)
        Question.objects.create(tenant_id=tenant.pk, quiz=everything, position=1)
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.all_tenants', 'on', false)")
            cursor.execute(
                "SELECT q.title, p.name, p.questions_per_attempt, p.position, count(x.id) "
                "FROM enablement_quiz q JOIN enablement_questionpool p ON p.quiz_id = q.id "
                "LEFT JOIN enablement_question x ON x.pool_id = p.id "
                "WHERE q.tenant_id = %s GROUP BY q.title, p.id ORDER BY q.title",
                [tenant.pk],
            )
            rows = cursor.fetchall()
            cursor.execute("SELECT set_config('app.all_tenants', '', false)")
    assert rows == [("Draws all", "Questions", None, 1, 1), ("Draws two", "Questions", 2, 1, 3)]
