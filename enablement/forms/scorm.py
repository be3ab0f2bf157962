"""The SCORM import form of the authoring pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.forms import BootstrapForm


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, module):
        return f"{module.version.course.title} (v{module.version.number}) — {module.title}"


class ScormImportForm(BootstrapForm, forms.Form):
    package = forms.FileField(
        label=_("SCORM package"),
        help_text=_("A .zip exported as SCORM 1.2 or SCORM 2004, with imsmanifest.xml at its root."),
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
    )
    module = ModuleChoiceField(
        label=_("Module"),
        queryset=None,
        help_text=_("The package becomes the last lesson of this module (of a draft course version)."),
    )
    title = forms.CharField(
        label=_("Lesson title"), max_length=200, required=False, help_text=_("Leave empty to use the package's title.")
    )

    def __init__(self, *args, modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules
