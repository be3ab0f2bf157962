"""Putting rows in order (modules, lessons, a learning path's courses): by drag and drop, which sends the whole new
order, or one step up or down from the keyboard."""

from __future__ import annotations

from django.utils.translation import gettext as _

from prm.errors import ValidationFailed

UP, DOWN = "up", "down"


def reorder(rows: list, ids, *, field: str) -> None:
    """Put `rows` in the order of `ids`, which must name each of them exactly once."""
    try:
        wanted = [int(value) for value in ids]
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("The new order names something unknown: reload the page."), field=field) from exc
    by_id = {row.pk: row for row in rows}
    if sorted(wanted) != sorted(by_id):
        raise ValidationFailed(
            _("The new order does not match what is there now (someone else may have changed it): reload the page."),
            field=field,
        )
    changed = []
    for position, pk in enumerate(wanted, start=1):
        row = by_id[pk]
        if row.position != position:
            row.position = position
            changed.append(row)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["position"])


def move(rows: list, row, direction: str, *, field: str = "direction") -> None:
    if direction not in (UP, DOWN):
        raise ValidationFailed(_("Move up or down."), field=field)
    ids = [r.pk for r in rows]
    index = ids.index(row.pk)
    other = index - 1 if direction == UP else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    reorder(rows, ids, field=field)
