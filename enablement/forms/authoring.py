"""Forms of the authoring pages: courses, modules, lessons, enrollment rules and learning paths. They parse input;
the services decide (and name the field at fault)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enablement.models import LessonKind
from enablement.services import cleaning
from enablement.services.files import ACCEPT, ALLOWED_LABEL, max_megabytes
from partners.selectors import partner_type_choices
from prm.forms import BootstrapForm
from prm.i18n import lazy_format
from prm.roles import LEAST_PRIVILEGED_FIRST, PARTNER_ROLES

CODES_HELP = _("Separate several with commas. Empty: every partner.")


def partner_role_choices() -> list[tuple[str, str]]:
    return [(str(role), role.label) for role in reversed(LEAST_PRIVILEGED_FIRST) if role in PARTNER_ROLES]


def audience_labels() -> dict[str, dict[str, str]]:
    """Labels of partner type and role codes, for showing an audience or a rule."""
    return {"partner_types": dict(partner_type_choices()), "roles": dict(partner_role_choices())}


class ChecklistForm(BootstrapForm, forms.Form):
    """Shows multiple choices as a list of checkboxes (Bootstrap's form-check), not as a text box."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"


def _codes_field(label, help_text=CODES_HELP):
    return forms.CharField(label=label, required=False, max_length=2000, help_text=help_text)


def _checklist(label, help_text=""):
    return forms.MultipleChoiceField(
        label=label, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class AudienceFields(ChecklistForm):
    audience_partner_types = _checklist(_("Partner types"), _("None ticked: every type."))
    audience_roles = _checklist(_("Roles"), _("None ticked: everyone at the partner."))
    audience_tiers = _codes_field(_("Tiers"))
    audience_regions = _codes_field(_("Regions"))

    def __init__(self, *args, known=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience_partner_types"].choices = partner_type_choices()
        self.fields["audience_roles"].choices = partner_role_choices()
        for name, values in (known or {}).items():
            field = self.fields[f"audience_{name}"]
            if values:
                in_use = ", ".join(values)
                field.help_text = lazy_format(_("%(help)s In use: %(values)s."), help=CODES_HELP, values=in_use)

    def audience(self) -> dict:
        data = self.cleaned_data
        return {
            "partner_types": data["audience_partner_types"],
            "roles": data["audience_roles"],
            "tiers": data["audience_tiers"],
            "regions": data["audience_regions"],
        }

    @staticmethod
    def initial_for(obj) -> dict:
        return {
            "audience_partner_types": obj.audience_partner_types,
            "audience_roles": obj.audience_roles,
            "audience_tiers": ", ".join(obj.audience_tiers),
            "audience_regions": ", ".join(obj.audience_regions),
        }


class CourseDetailsForm(BootstrapForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=cleaning.MAX_TITLE)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=cleaning.MAX_SUMMARY
    )
    estimated_minutes = forms.IntegerField(label=_("Estimated minutes"), required=False, initial=30)
    passing_grade = forms.IntegerField(
        label=_("Passing grade (%)"),
        required=False,
        initial=80,
        help_text=_("The weighted score of the quizzes and scored SCORM lessons a learner must reach."),
    )

    @staticmethod
    def initial_for(version) -> dict:
        return {name: getattr(version, name) for name in ("title", "summary", "estimated_minutes", "passing_grade")}


class AudienceForm(AudienceFields):
    pass


class CourseCreateForm(CourseDetailsForm, AudienceFields):
    pass


class ModuleForm(BootstrapForm, forms.Form):
    title = forms.CharField(label=_("Module title"), max_length=cleaning.MAX_TITLE)


class LessonForm(BootstrapForm, forms.Form):
    """The fields of one kind of lesson (`kind`); on an existing lesson, `modules` offers moving it."""

    title = forms.CharField(label=_("Title"), max_length=cleaning.MAX_TITLE)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "class": "font-monospace"}),
        help_text=_(
            "Markdown: # headings, **bold**, *italic*, lists, [links](https://…), tables and `code`. Scripts and "
            "links that run code are refused."
        ),
    )
    video_url = forms.CharField(
        label=_("Video address"),
        required=False,
        max_length=500,
        help_text=_("The video's page or share link, e.g. https://www.youtube.com/watch?v=… or https://vimeo.com/…"),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    quiz_title = forms.CharField(
        label=_("Quiz title"),
        required=False,
        max_length=cleaning.MAX_TITLE,
        help_text=_("Questions, passing score and attempts are set on the quiz's own page next."),
    )
    module = forms.TypedChoiceField(label=_("Module"), coerce=int, required=False)
    required = forms.BooleanField(label=_("Required to complete the course"), required=False, initial=True)
    estimated_minutes = forms.IntegerField(label=_("Estimated minutes"), required=False, initial=5)
    weight = forms.DecimalField(
        label=_("Weight in the course grade"),
        required=False,
        initial=1,
        max_digits=5,
        decimal_places=2,
        help_text=_("0 leaves this lesson's score out of the grade."),
    )

    KIND_FIELDS = {
        LessonKind.TEXT: {"body"},
        LessonKind.VIDEO: {"video_url"},
        LessonKind.FILE: {"file"},
        LessonKind.QUIZ: {"quiz_title", "weight"},
        LessonKind.SCORM: {"weight"},
    }
    OPTIONAL = {"body", "video_url", "file", "quiz_title", "weight"}

    def __init__(self, *args, kind: str, modules=None, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.KIND_FIELDS.get(kind, set())
        for name in self.OPTIONAL - keep:
            del self.fields[name]
        if not creating:
            self.fields.pop("quiz_title", None)
        if modules:
            self.fields["module"].choices = [(module.pk, module.title) for module in modules]
        else:
            del self.fields["module"]
        if "file" in self.fields:
            self.fields["file"].help_text = lazy_format(
                _("%(types)s, at most %(megabytes)s MB. Only learners enrolled in the course can download it."),
                types=ALLOWED_LABEL,
                megabytes=max_megabytes(),
            )
            if not creating:
                self.fields["file"].help_text = lazy_format(
                    _("%(help)s Leave empty to keep the current file."), help=self.fields["file"].help_text
                )

    @staticmethod
    def initial_for(lesson) -> dict:
        return {
            "title": lesson.title,
            "body": lesson.body,
            "video_url": lesson.video_url,
            "module": lesson.module_id,
            "required": lesson.required,
            "estimated_minutes": lesson.estimated_minutes,
            "weight": lesson.weight,
        }


class RuleForm(ChecklistForm):
    course = forms.ModelChoiceField(label=_("Course"), queryset=None, empty_label=_("Choose a course"))
    partner_types = _checklist(_("Partner types"), _("None ticked: partners of every type."))
    roles = _checklist(_("Roles"), _("None ticked: everyone at a matching partner."))
    due_days = forms.IntegerField(
        label=_("Due after (days)"), required=False, help_text=_("Days after enrolling. Empty: no due date.")
    )
    active = forms.BooleanField(label=_("Active (enrolls people from now on)"), required=False, initial=True)

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["partner_types"].choices = partner_type_choices()
        self.fields["roles"].choices = partner_role_choices()

    @staticmethod
    def initial_for(rule) -> dict:
        return {
            "course": rule.course_id,
            "partner_types": rule.partner_types,
            "roles": rule.roles,
            "due_days": rule.due_days,
            "active": rule.active,
        }


class PathForm(AudienceFields):
    title = forms.CharField(label=_("Title"), max_length=cleaning.MAX_TITLE)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=cleaning.MAX_SUMMARY,
    )
    published = forms.BooleanField(label=_("Published (offered to partners)"), required=False)
    field_order = ["title", "description"]

    @staticmethod
    def initial_for(path) -> dict:
        return {
            "title": path.title,
            "description": path.description,
            "published": path.published,
            **AudienceFields.initial_for(path),
        }


class PathCourseForm(BootstrapForm, forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=None, empty_label=_("Choose a course"))

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
