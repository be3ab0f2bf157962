"""Cleaning what people and integrations send, one rule for every app: services clean their input with these and
raise `ValidationFailed` naming the field, so a page and the API give the same answer."""

from __future__ import annotations

from django.utils.translation import gettext as _

from prm.errors import ValidationFailed


def clean_text(value, *, field: str, max_length: int, required: str = "") -> str:
    """Text stripped of surrounding whitespace. Refuses a NUL character (PostgreSQL cannot store it, and no person
    types one), text longer than `max_length`, and — when `required` is a message — empty text, with that message."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    if "\x00" in value:
        raise ValidationFailed(_("Remove the null character from this text."), field=field)
    if required and not value:
        raise ValidationFailed(required, field=field)
    if len(value) > max_length:
        raise ValidationFailed(_("At most %(limit)s characters.") % {"limit": max_length}, field=field)
    return value
