"""Forms of the quiz pages. They parse input; the services decide (and name the field at fault)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enablement.models import QuestionKind
from enablement.services.quizzes import (
    CHOICE_TEXT_MAX,
    MAX_ATTEMPT_LIMIT,
    MAX_COOLDOWN_MINUTES,
    MAX_POINTS,
    MAX_QUESTIONS_PER_ATTEMPT,
    MAX_TIME_LIMIT_MINUTES,
    POOL_NAME_MAX,
    ChoiceDraft,
    QuizSettings,
)
from prm.forms import BootstrapForm

CHOICE_ROWS = 6


class QuizSettingsForm(BootstrapForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    passing_score = forms.IntegerField(label=_("Passing score (%)"), min_value=0, max_value=100, initial=80)
    attempt_limit = forms.IntegerField(
        label=_("Attempt limit"),
        required=False,
        min_value=1,
        max_value=MAX_ATTEMPT_LIMIT,
        help_text=_("Empty: as many attempts as the learner wants."),
    )
    cooldown_minutes = forms.IntegerField(
        label=_("Wait between attempts (minutes)"),
        min_value=0,
        max_value=MAX_COOLDOWN_MINUTES,
        initial=0,
        help_text=_("Counted from the end of the last attempt. 0: the next attempt may start at once."),
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"),
        required=False,
        min_value=1,
        max_value=MAX_TIME_LIMIT_MINUTES,
        help_text=_("Empty: no time limit. The server closes the attempt when the time is up."),
    )
    shuffle_questions = forms.BooleanField(label=_("Shuffle the questions for each attempt"), required=False)
    shuffle_choices = forms.BooleanField(label=_("Shuffle the choices for each attempt"), required=False)

    @classmethod
    def initial_for(cls, quiz) -> dict:
        return {name: getattr(quiz, name) for name in cls.base_fields}

    def settings(self) -> QuizSettings:
        data = self.cleaned_data
        return QuizSettings(
            title=data["title"],
            passing_score=data["passing_score"],
            attempt_limit=data["attempt_limit"],
            cooldown_minutes=data["cooldown_minutes"],
            time_limit_minutes=data["time_limit_minutes"],
            shuffle_questions=data["shuffle_questions"],
            shuffle_choices=data["shuffle_choices"],
        )


class QuizCreateForm(BootstrapForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class PoolForm(BootstrapForm, forms.Form):
    """A pool's name and how many of its active questions each attempt draws (the service checks it has them)."""

    name = forms.CharField(label=_("Pool name"), max_length=POOL_NAME_MAX)
    questions_per_attempt = forms.IntegerField(
        label=_("Questions drawn per attempt"),
        required=False,
        min_value=1,
        max_value=MAX_QUESTIONS_PER_ATTEMPT,
        help_text=_("At most the pool's active questions. Empty: all of them."),
    )

    @classmethod
    def initial_for(cls, pool) -> dict:
        return {"name": pool.name, "questions_per_attempt": pool.questions_per_attempt}


class QuestionForm(BootstrapForm, forms.Form):
    """A question with up to six choices, each with a "correct" box. Blank choice rows are left out."""

    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices, initial=QuestionKind.SINGLE)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the learner after the attempt is submitted, with whether the answer was right."),
    )
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=MAX_POINTS, initial=1)
    # Its choices are the quiz's pools; the service refuses a pool of another quiz.
    pool = forms.TypedChoiceField(label=_("Pool"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, pools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].choices = [(pool.pk, pool.name) for pool in pools]
        for row in range(1, CHOICE_ROWS + 1):
            self.fields[f"choice_text_{row}"] = forms.CharField(
                label=_("Choice %(number)s") % {"number": row},
                required=False,
                max_length=CHOICE_TEXT_MAX,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"choice_correct_{row}"] = forms.BooleanField(
                label=_("Correct"),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def choice_rows(self):
        """(text field, correct field) per row, for the template."""
        return [(self[f"choice_text_{row}"], self[f"choice_correct_{row}"]) for row in range(1, CHOICE_ROWS + 1)]

    def drafts(self) -> list[ChoiceDraft]:
        data = self.cleaned_data
        return [
            ChoiceDraft(data[f"choice_text_{row}"], data[f"choice_correct_{row}"]) for row in range(1, CHOICE_ROWS + 1)
        ]

    def question_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": data["text"],
            "explanation": data["explanation"],
            "points": data["points"],
            "choices": self.drafts(),
            "pool_id": data["pool"],
        }

    @classmethod
    def initial_for(cls, version, *, pool_id=None) -> dict:
        initial = {
            "pool": pool_id,
            "kind": version.kind,
            "text": version.text,
            "explanation": version.explanation,
            "points": version.points,
        }
        for row, choice in enumerate(version.choices.all()[:CHOICE_ROWS], start=1):
            initial[f"choice_text_{row}"] = choice.text
            initial[f"choice_correct_{row}"] = choice.is_correct
        return initial
