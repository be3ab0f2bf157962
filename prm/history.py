"""History as people read it: pghistory's events turned into "who, when, what: field before → after" rows.

pghistory stores each change as column names and JSON values (`decided_by_id: null → 2`, timestamps to the
microsecond, choice codes). Every history panel shows them through `history_rows()`, which:

- labels a field with its model's `verbose_name` (translated where the model marks it) and a change with an action
  ("Created", "Status changed", "Deactivated", "Changed") rather than pghistory's `insert` / `update`;
- shows choices by their label, foreign keys by the record's name (people by their name), yes/no, dates and times in
  the reader's language and time zone to the minute, amounts as money in the record's currency;
- leaves out bookkeeping (match keys, token hashes, search vectors, `updated_at`, settings blobs) and summarises
  lists of records by their count ("Conflicts: 1 → 2"); an update that changed only such fields is not shown.

Names behind foreign keys are read in one query per kind of record named, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

# Bookkeeping a reader has no use for, whatever the model.
HIDDEN_FIELDS = frozenset(
    {"id", "tenant", "settings", "updated_at", "match_keys", "search_vector", "token_hash", "text_sha256"}
)
HIDDEN_SUFFIXES = ("_hash", "_sha256")
LONG_TEXT = 160


def _is_hidden(field: models.Field | None, name: str) -> bool:
    if name in HIDDEN_FIELDS or name.endswith(HIDDEN_SUFFIXES):
        return True
    return isinstance(field, SearchVectorField)


def _fields_by_column(model) -> dict[str, models.Field]:
    """The model's concrete fields by the names pghistory stores (`decided_by_id` for a foreign key)."""
    return {field.attname: field for field in model._meta.concrete_fields}


def _label(field: models.Field | None, column: str) -> str:
    if field is None:
        return capfirst(column.removesuffix("_id").replace("_", " "))
    return capfirst(str(field.verbose_name))


def _is_record_list(value) -> bool:
    return isinstance(value, list) and any(isinstance(item, dict) for item in value)


class _Records:
    """The records foreign keys point at (and the people who acted), read in one query per model once every id is
    known."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.found: dict[tuple[type, str], models.Model] = {}

    def want(self, model, pk) -> None:
        if pk not in (None, ""):
            self.wanted[model].add(pk)

    def load(self) -> None:
        for model, pks in self.wanted.items():
            for obj in model._default_manager.filter(pk__in=pks):
                self.found[(model, str(obj.pk))] = obj

    def get(self, model, pk):
        return self.found.get((model, str(pk))) if pk not in (None, "") else None

    def name(self, model, pk) -> str:
        if pk in (None, ""):
            return ""
        obj = self.get(model, pk)
        # A record deleted since: its number, so the row still says which one it was.
        return str(obj) if obj is not None else f"#{pk}"


def _value_labels(model) -> dict:
    """A model's own readers of values its fields' choices cannot say (`history_value_labels()`: {field name:
    value → text}), e.g. partner types a tenant added, or region codes in a list."""
    hook = getattr(model, "history_value_labels", None)
    return hook() if callable(hook) else {}


def _display(field: models.Field | None, value, *, data: dict, names: _Records, labels: dict | None = None) -> str:
    """One stored value as the reader should see it; "" for nothing (the template shows a dash)."""
    if value is None or value == "" or value == []:
        return ""
    reader = (labels or {}).get(field.name) if field is not None else None
    if reader is not None:
        return ", ".join(str(reader(item)) for item in value) if isinstance(value, list) else str(reader(value))
    if field is None:
        return Truncator(str(value)).chars(LONG_TEXT)
    if field.is_relation and field.many_to_one:
        return names.name(field.related_model, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is None:
            return str(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        day = parse_date(str(value)[:10])
        return date_format(day, "DATE_FORMAT") if day else str(value)
    if isinstance(field, models.DecimalField):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        shown = number_format(amount, decimal_pos=field.decimal_places, use_l10n=True, force_grouping=True)
        currency = data.get("currency") if isinstance(data.get("currency"), str) else ""
        return f"{shown} {currency}".strip()
    if isinstance(value, list):
        if _is_record_list(value):
            return number_format(len(value))
        return ", ".join(str(dict(field.flatchoices).get(item, item)) if field.choices else str(item) for item in value)
    if isinstance(value, dict):
        return number_format(len(value))
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return Truncator(str(value)).chars(LONG_TEXT)


def _action(label: str, changes: list[dict]) -> str:
    if label == "insert":
        return _("Created")
    if label != "update":
        return capfirst(label.replace("_", " ").replace(".", " "))
    by_field = {change["field"]: change for change in changes}
    if "status" in by_field:
        return _("Status changed")
    if "is_active" in by_field:
        return _("Reactivated") if by_field["is_active"]["after"] else _("Deactivated")
    return _("Changed")


def history_rows(events, *, subjects: dict | None = None) -> list[dict]:
    """Rows for the history panel (`templates/partials/history.html`) from pghistory `Events`, newest first as given:
    `when`, `who` (the user or None: the program itself), `action`, `subject` (what the row is about, when
    `subjects` — {(model label, pk): text} — names it: a panel mixing several records) and `changes`, each with the
    `field` name, its `label`, the raw `before` / `after` (for code) and `shown_before` / `shown_after` (for
    people). pghistory's own label stays in `what`."""
    subjects = subjects or {}
    user_model = get_user_model()
    names = _Records()
    prepared = []
    for event in events:
        try:
            model = apps.get_model(event.pgh_obj_model)
        except LookupError:
            continue
        fields = _fields_by_column(model)
        context = event.pgh_context or {}
        names.want(user_model, context.get("user"))
        changes = []
        # The status first: it is what a reader looks for; then the rest by name.
        for column, (before, after) in sorted((event.pgh_diff or {}).items(), key=lambda i: (i[0] != "status", i[0])):
            field = fields.get(column)
            name = field.name if field is not None else column
            if _is_hidden(field, name):
                continue
            if isinstance(before, dict) or isinstance(after, dict):
                continue  # settings-like blobs: nothing a reader could follow
            if field is not None and field.is_relation and field.many_to_one:
                names.want(field.related_model, before)
                names.want(field.related_model, after)
            changes.append({"field": name, "column": column, "before": before, "after": after, "model_field": field})
        if event.pgh_label == "update" and not changes:
            continue
        prepared.append((event, model, changes))
    names.load()
    value_labels = {model: _value_labels(model) for model in {model for _event, model, _changes in prepared}}
    rows = []
    for event, model, changes in prepared:
        data = event.pgh_data or {}
        labels = value_labels[model]
        shown = []
        for change in changes:
            field = change.pop("model_field")
            column = change.pop("column")
            shown.append(
                {
                    **change,
                    "label": _label(field, column),
                    "shown_before": _display(field, change["before"], data=data, names=names, labels=labels),
                    "shown_after": _display(field, change["after"], data=data, names=names, labels=labels),
                }
            )
        context = event.pgh_context or {}
        user_id = context.get("user")
        rows.append(
            {
                "when": event.pgh_created_at,
                "who": names.get(user_model, user_id),
                "what": event.pgh_label,
                "action": _action(event.pgh_label, shown),
                "model": capfirst(str(model._meta.verbose_name)),
                "subject": subjects.get((model._meta.label, str(event.pgh_obj_id)), ""),
                "changes": [] if event.pgh_label == "insert" else shown,
            }
        )
    return rows


def subject_names(objs) -> dict:
    """{(model label, pk): "Kind: name"} for the records after the first one of a mixed panel (a partner's page
    lists its people's changes beside its own)."""
    subjects = {}
    for obj in objs[1:]:
        if type(obj) is type(objs[0]) and obj.pk == objs[0].pk:
            continue
        subjects[(obj._meta.label, str(obj.pk))] = f"{capfirst(str(obj._meta.verbose_name))}: {obj}"
    return subjects
