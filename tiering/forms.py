"""Forms of the staff's tier pages. They check the shape of the input (a tier of the program, a date, numbers); the
rules (a reason, an end date not before the start) are the services', whose refusals the views put back beside the
field they name."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.forms import BootstrapForm
from tiering.evaluation import ProgramSpec
from tiering.explain import metric_label


class TierOverrideForm(BootstrapForm, forms.Form):
    """Hold a partner at a tier of its program until a date, with a reason."""

    tier = forms.TypedChoiceField(label=_("Tier"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    ends_on = forms.DateField(
        label=_("Ends on"),
        help_text=_("The last day the override holds; the metrics decide again from the day after."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, tiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [("", "—")] + [(tier.id, tier.name) for tier in tiers]


VALUE = {"max_digits": 18, "decimal_places": 4}
SCORE = {"max_digits": 7, "decimal_places": 2, "min_value": Decimal(0)}


def _number(label, initial, limits) -> forms.DecimalField:
    # Styled here (no BootstrapForm: the fields are made per program). Left empty or out: the program's value.
    widget = forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"})
    return forms.DecimalField(label=label, initial=initial, widget=widget, required=False, **limits)


class WhatIfForm(forms.Form):
    """The program's criteria with their thresholds (and, for the points and index models, their points and the
    tiers' pass marks or bands), prefilled with today's values: the simulation uses what is changed."""

    def __init__(self, *args, program: ProgramSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        scored = program.model in ("points", "index")
        # (heading, [field names]) in the program's order, for the template.
        groups: list[tuple[str, list[str]]] = []
        if program.model == "index":
            names = [name for c in program.index_criteria for name in self._criterion(c, scored)]
            groups.append((str(_("The index")), names))
        for tier in program.tiers:
            names = []
            if scored:
                label = _("Points needed") if program.model == "points" else _("Band from (index 0–10)")
                self.fields[f"min_score_{tier.id}"] = _number(label, tier.min_score, SCORE)
                names.append(f"min_score_{tier.id}")
            for criterion in tier.criteria:
                names.extend(self._criterion(criterion, scored))
            groups.append((tier.name, names))
        self.groups = [(heading, [self[name] for name in names]) for heading, names in groups]

    def _criterion(self, criterion, scored: bool) -> list[str]:
        label = metric_label(criterion.metric_key)
        self.fields[f"threshold_{criterion.id}"] = _number(
            _("%(metric)s: threshold") % {"metric": label}, criterion.threshold, VALUE
        )
        names = [f"threshold_{criterion.id}"]
        if scored:
            self.fields[f"points_{criterion.id}"] = _number(
                _("%(metric)s: points") % {"metric": label}, criterion.points, SCORE
            )
            names.append(f"points_{criterion.id}")
        return names

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = attrs.get("class", "") + " is-invalid"
                attrs["aria-describedby"] = f"id_{name}-error"

    def changes(self) -> dict[str, dict[int, Decimal]]:
        """{"thresholds": {criterion id: value}, "points": {…}, "min_scores": {tier id: value}}: what differs from
        the program's."""
        criteria = {c.id: c for c in self.program.criteria()}
        tiers = {t.id: t for t in self.program.tiers}
        changes: dict[str, dict[int, Decimal]] = {"thresholds": {}, "points": {}, "min_scores": {}}
        for name, value in self.cleaned_data.items():
            kind, _sep, pk = name.rpartition("_")
            if value is None or not pk.isdigit():
                continue
            pk = int(pk)
            if kind == "threshold" and value != criteria[pk].threshold:
                changes["thresholds"][pk] = value
            elif kind == "points" and value != criteria[pk].points:
                changes["points"][pk] = value
            elif kind == "min_score" and value != tiers[pk].min_score:
                changes["min_scores"][pk] = value
        return changes
