"""DRF's serializers, refusing input they would silently drop.

DRF ignores body fields a serializer does not declare, and read-only ones: a CRM that sends `domain` (derived from
`website`) gets 201 and an account without the web address it meant to give. Here a field that is not a writable
field of the serializer answers 400, one error per field (`domain`, `rows[3].industry`), and nothing is written.
Nested serializers and each row of a list check their own fields, so bulk endpoints name the row.

API modules import `serializers` from here instead of from rest_framework (a test walks the API's serializers to
keep it so); everything else in the module is DRF's own.
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from rest_framework import serializers as drf
from rest_framework.serializers import *  # noqa: F403 - the fields and the rest of DRF's module, unchanged


# Serializer mixin: input keys that are not writable fields are errors, named like any invalid field. (Comments, not
# docstrings, on these classes: drf-spectacular would describe every schema component with them.)
class RefuseUnknownFields:
    def to_internal_value(self, data):
        extra = self._fields_not_accepted(data) if isinstance(data, Mapping) else {}
        try:
            value = super().to_internal_value(data)
        except drf.ValidationError as error:
            if extra and isinstance(error.detail, dict):
                error.detail.update(extra)
            raise
        if extra:
            raise drf.ValidationError(extra)
        return value

    def _fields_not_accepted(self, data: Mapping) -> dict:
        errors = {}
        for name in data:
            field = self.fields.get(name)
            if field is None:
                message = _("Received unknown parameter: %(name)s.")
                code = "unknown_field"
            elif field.read_only:
                message = _("Received read-only parameter: %(name)s. The server sets it; leave it out.")
                code = "read_only_field"
            else:
                continue
            errors[name] = [drf.ErrorDetail(message % {"name": name}, code=code)]
        return errors


def refuse_body(data) -> None:
    """For requests that take no body (a DELETE, a step declared `takes_body=False`): every field sent is unknown."""
    if isinstance(data, Mapping) and data:
        message = _("Received unknown parameter: %(name)s.")
        errors = {name: [drf.ErrorDetail(message % {"name": name}, code="unknown_field")] for name in data}
        raise drf.ValidationError(errors)
    if data and not isinstance(data, Mapping):
        raise drf.ValidationError(_("This request takes no body."))


class Serializer(RefuseUnknownFields, drf.Serializer):
    pass


class ModelSerializer(RefuseUnknownFields, drf.ModelSerializer):
    pass
