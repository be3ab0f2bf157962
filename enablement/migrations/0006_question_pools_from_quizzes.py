"""Every quiz gets one pool, "Questions", holding all its questions and drawing what the quiz drew
(`Quiz.questions_per_attempt`, removed by the next migration): attempts draw exactly as before. Reversible: the
quiz's draw comes back from its pools (the sum of their draws; every question when one pool draws all)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

DEFAULT_POOL = "Questions"


def _all_tenants(schema_editor):
    # Row-level security (prm.rls) hides tenant rows without a tenant setting, also from the owner: this migration
    # works across tenants on purpose.
    schema_editor.execute("SELECT set_config('app.all_tenants', 'on', true)")


def one_pool_per_quiz(apps, schema_editor):
    Quiz = apps.get_model("enablement", "Quiz")
    QuestionPool = apps.get_model("enablement", "QuestionPool")
    Question = apps.get_model("enablement", "Question")
    _all_tenants(schema_editor)
    QuestionPool.objects.bulk_create(
        QuestionPool(
            tenant_id=quiz.tenant_id,
            quiz_id=quiz.pk,
            name=DEFAULT_POOL,
            questions_per_attempt=quiz.questions_per_attempt,
            position=1,
        )
        for quiz in Quiz.objects.filter(pools__isnull=True).only("pk", "tenant_id", "questions_per_attempt")
    )
    first_pool = QuestionPool.objects.filter(quiz_id=OuterRef("quiz_id")).order_by("position", "id").values("pk")[:1]
    Question.objects.filter(pool__isnull=True).update(pool_id=Subquery(first_pool))


def draw_back_to_quizzes(apps, schema_editor):
    Quiz = apps.get_model("enablement", "Quiz")
    _all_tenants(schema_editor)
    for quiz in Quiz.objects.prefetch_related("pools"):
        draws = [pool.questions_per_attempt for pool in quiz.pools.all()]
        quiz.questions_per_attempt = None if not draws or None in draws else sum(draws)
        quiz.save(update_fields=["questions_per_attempt"])


class Migration(migrations.Migration):
    dependencies = [("enablement", "0005_question_pools")]

    operations = [migrations.RunPython(one_pool_per_quiz, draw_back_to_quizzes)]
