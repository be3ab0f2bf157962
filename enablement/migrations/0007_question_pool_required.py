import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("enablement", "0006_question_pools_from_quizzes")]

    operations = [
        migrations.AlterField(
            model_name="question",
            name="pool",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="questions", to="enablement.questionpool"
            ),
        ),
        migrations.RemoveField(model_name="quiz", name="questions_per_attempt"),
    ]
