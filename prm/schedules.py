"""Periodic tasks each app brings, for Celery beat.

An app that runs something on a schedule says so in its own `schedule.py`: `PERIODIC_TASKS`, a dict in the shape
of `CELERY_BEAT_SCHEDULE`. Settings read them (before Django starts, which is why this is not in
`declarations.py`: a `schedule.py` imports nothing but `datetime`/`celery.schedules`). A name used twice stops
start-up.
"""

from importlib import import_module
from importlib.util import find_spec


def app_schedules(installed_apps: list[str]) -> dict:
    schedule: dict = {}
    for app in installed_apps:
        if "." in app or find_spec(app) is None or find_spec(f"{app}.schedule") is None:
            continue
        tasks = getattr(import_module(f"{app}.schedule"), "PERIODIC_TASKS", {})
        clash = sorted(set(tasks) & set(schedule))
        if clash:
            raise ValueError(f"{app}.schedule declares periodic tasks already declared: {', '.join(clash)}")
        schedule.update(tasks)
    return schedule
