"""Security controls of the platform core: tasks under their tenant, MFA policy, sessions, CSRF, deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.db import connection
from django.test import Client

from partners.models import PartnerOrganization
from prm.celery import app as celery_app
from prm.errors import NoTenantSelected
from prm.tasks import TenantTask
from prm.tenancy import current_tenant_or_none
from tests.factories import PASSWORD, PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, TenantFactory

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


@celery_app.task(base=TenantTask)
def count_partners_task(*, tenant_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM partners_partnerorganization")
        raw = cursor.fetchone()[0]
    return {"tenant": current_tenant_or_none().pk, "orm": PartnerOrganization.objects.count(), "raw": raw}


def test_celery_task_runs_under_its_tenant_only_and_leaves_no_tenant_behind():
    a, b = TenantFactory(), TenantFactory()
    PartnerOrganizationFactory.create_batch(2, tenant=a)
    PartnerOrganizationFactory.create_batch(5, tenant=b)
    assert count_partners_task.delay(tenant_id=a.pk).get() == {"tenant": a.pk, "orm": 2, "raw": 2}
    assert count_partners_task.delay(tenant_id=b.pk).get() == {"tenant": b.pk, "orm": 5, "raw": 5}
    assert current_tenant_or_none() is None
    with pytest.raises(NoTenantSelected):
        PartnerOrganization.objects.count()


def test_task_of_an_inactive_program_is_skipped_and_logged(caplog):
    closed = TenantFactory(is_active=False)
    PartnerOrganizationFactory(tenant=closed)

    with caplog.at_level("WARNING", logger="prm.tasks"):
        assert count_partners_task.delay(tenant_id=closed.pk).get() is None

    assert f"skipped for inactive tenant {closed.pk}" in caplog.text
    assert count_partners_task.name in caplog.text


def test_celery_task_without_tenant_is_refused():
    with pytest.raises(TypeError, match="tenant_id"):
        count_partners_task.delay().get()


def test_task_is_enqueued_only_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    from prm.roles import Role
    from prm.services import invitation_create
    from prm.tenancy import tenant_context

    admin = StaffFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, tenant_context(admin.tenant):
        invitation_create(actor=admin, email="new.colleague@example.com", role=Role.ANALYST)
    assert mailoutbox == [] and callbacks  # the email (and the outbox relay) wait for the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [["new.colleague@example.com"]]


def _enable_mfa_policy(tenant):
    tenant.require_mfa_for_staff = True
    tenant.save()


def test_staff_without_totp_is_sent_to_enrolment_when_tenant_requires_mfa(client):
    admin = StaffFactory()
    _enable_mfa_policy(admin.tenant)
    client.force_login(admin.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(f"/t/{admin.tenant.slug}/console/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/totp/activate/")


def test_staff_with_totp_and_partner_users_pass_the_mfa_policy(client):
    admin = StaffFactory()
    _enable_mfa_policy(admin.tenant)
    Authenticator.objects.create(user=admin.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(admin.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/t/{admin.tenant.slug}/console/").status_code == 200
    partner = PartnerUserFactory(tenant=admin.tenant)
    client.force_login(partner.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/t/{admin.tenant.slug}/portal/").status_code == 200


def test_login_rotates_the_session_key(client):
    admin = StaffFactory()
    client.get("/accounts/login/")
    before = client.session.session_key
    response = client.post("/accounts/login/", {"login": admin.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(admin.user.pk)


def test_logout_ends_the_session(client):
    admin = StaffFactory()
    client.force_login(admin.user, backend="django.contrib.auth.backends.ModelBackend")
    client.post("/accounts/logout/")
    response = client.get(f"/t/{admin.tenant.slug}/console/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_csrf_is_enforced_on_tenant_forms():
    admin = StaffFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        f"/t/{admin.tenant.slug}/settings/",
        {"program_name": "Hijacked", "primary_colour": "#000000"},
    )
    assert response.status_code == 403
    admin.tenant.refresh_from_db()
    assert admin.tenant.program_name != "Hijacked"


def test_open_signup_is_closed(client):
    response = client.post(
        "/accounts/signup/", {"email": "stranger@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="stranger@example.com").exists()
    assert b"Sign Up Closed" in response.content or b"closed" in response.content.lower()


def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_deploy_check_passes_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "prm.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-for-the-deploy-check-0123456789abcdef",
        "DATABASE_URL": "postgres://prm@127.0.0.1:5432/prm",
        "ALLOWED_HOSTS": "prm.example.com",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_a_missing_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "prm.settings.production", "SECRET_KEY": ""}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
