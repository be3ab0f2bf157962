"""Apps declare what they bring; the core collects it at start-up and names no app itself."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from prm import policy, registry
from prm.api.keys import ALL_SCOPES
from prm.notifications.kinds import KINDS
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_IMPORT = re.compile(r"^(from|import) (partners|dealreg|mdf|tiering|enablement)\b", re.MULTILINE)


def test_the_core_imports_no_domain_app():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "prm").rglob("*.py")
        if DOMAIN_IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_apps_bring_their_rules_scopes_kinds_and_event_types():
    assert policy.RULES["deals.review"] and policy.RULES["applications.decide"]
    assert {"deals:write", "partners:read", "members:read"} <= set(ALL_SCOPES)
    assert {"deal.approved", "application.submitted", "invitation.accepted"} <= set(KINDS)
    event_types = registry.event_types()
    assert event_types["deal.approved"].description
    assert "registration_id" in event_types["deal.approved"].payload
    assert event_types["course.completed"] == "course.completed"


def test_each_apps_pages_are_routed_from_its_declarations_not_from_the_core():
    assert registry.page_url_modules() == [
        "partners.urls",
        "dealreg.urls",
        "enablement.urls",
        "tiering.urls",
        "analytics.urls",
    ]
    urls_py = (ROOT / "prm" / "urls.py").read_text(encoding="utf-8")
    assert "partners.urls" not in urls_py and "dealreg.urls" not in urls_py
    assert reverse("deal_list", kwargs={"tenant_slug": "acme"}) == "/t/acme/deals/"


def test_each_apps_periodic_tasks_reach_beat_from_its_own_schedule_module(tmp_path, monkeypatch):
    from django.conf import settings

    from prm.schedules import app_schedules

    assert settings.CELERY_BEAT_SCHEDULE["deal-review-sla"]["task"] == "dealreg.tasks.check_review_sla"
    assert settings.CELERY_BEAT_SCHEDULE["onboarding-reminders"]["task"] == "partners.tasks.send_onboarding_reminders"
    (tmp_path / "twin").mkdir()
    (tmp_path / "twin" / "__init__.py").write_text("")
    (tmp_path / "twin" / "schedule.py").write_text(
        'PERIODIC_TASKS = {"deal-review-sla": {"task": "twin.tasks.x", "schedule": 60}}'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ValueError, match="deal-review-sla"):
        app_schedules(["dealreg", "twin"])


def test_an_event_type_no_app_declares_stops_start_up():
    with pytest.raises(ImproperlyConfigured, match="course.complete"):
        registry.require_event_types(["deal.submitted", "course.complete"], where="Onboarding step kinds")


def test_a_typo_in_an_onboarding_step_kind_fails_start_up(tmp_path):
    """The real start-up: Django refuses to start when a step kind waits for an event type nobody declares."""
    # Importing partners.models before setup would fail; patch it as the app is imported instead.
    script = (
        "import os, sys\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'prm.settings.test'\n"
        "import django\n"
        "from django.apps import registry\n"
        "populate = registry.Apps.populate\n"
        "def patched(self, installed_apps=None):\n"
        "    from django.apps import AppConfig\n"
        "    import_models = AppConfig.import_models\n"
        "    def import_and_typo(config):\n"
        "        import_models(config)\n"
        "        if config.name == 'partners':\n"
        "            config.models_module.STEP_KIND_EVENTS['register_deal'] = 'deal.submited'\n"
        "    AppConfig.import_models = import_and_typo\n"
        "    return populate(self, installed_apps)\n"
        "registry.Apps.populate = patched\n"
        "django.setup()\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "deal.submited" in result.stderr


def test_the_top_bar_shows_each_member_the_apps_entries_they_may_use(client, tenant_admin, partner_admin):
    staff_page = login(client, tenant_admin).get(reverse("console", args=["acme"])).content.decode()
    assert 'href="/t/acme/partners/"' in staff_page and 'href="/t/acme/deals/"' in staff_page
    assert 'href="/t/acme/portal/"' not in staff_page
    partner_page = login(client, partner_admin).get(reverse("portal", args=["acme"])).content.decode()
    assert 'href="/t/acme/portal/"' in partner_page and 'href="/t/acme/deals/"' in partner_page
    assert 'href="/t/acme/partners/"' not in partner_page


def test_the_console_shows_every_apps_cards(client, tenant_admin):
    page = login(client, tenant_admin).get(reverse("console", args=["acme"])).content.decode()
    assert 'data-testid="partner-total"' in page and 'data-testid="deals-tile"' in page
    assert "Open invitations" in page


def test_the_portal_shows_every_apps_cards_to_those_allowed(client, partner_admin, tenant_admin):
    assert "learning.take" in [card.permission for card in registry.portal_cards()]
    page = login(client, partner_admin).get(reverse("portal", args=["acme"])).content.decode()
    assert 'data-testid="learning-card"' in page
    # Staff have no portal; the card's permission is checked like a console card's.
    assert login(client, tenant_admin).get(reverse("portal", args=["acme"])).status_code == 404
