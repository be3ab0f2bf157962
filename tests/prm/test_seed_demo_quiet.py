"""Seeding the demo e-mails nobody: what the apps' seeders did through their services (fund requests to review,
claims approved and paid, applications) is history, shown in the bell but never sent as e-mail."""

import pytest
from django.core import mail
from django.core.management import call_command

from prm.models import Notification, Tenant
from prm.tenancy import tenant_context
from tests.enablement.scorm_factories import use_private_storage

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demos_notifications_are_in_the_bell_and_none_is_emailed(settings, tmp_path):
    use_private_storage(settings, tmp_path)
    call_command("seed_demo", verbosity=0)
    with tenant_context(Tenant.objects.get(slug="demo")):
        assert Notification.objects.exists()
        assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert mail.outbox == []
