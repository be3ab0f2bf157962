"""The demo program's partner costs: 18 months of them, partners without cost ("no cost recorded"), a partner with
a negative ROPI, conversion from EUR; seeding again changes nothing."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.metrics import compute
from analytics.models import PartnerCost
from analytics.selectors.base import Scope
from prm.models import Tenant
from prm.tenancy import tenant_context
from tests.enablement.scorm_factories import use_private_storage

pytestmark = pytest.mark.django_db


def test_demo_costs_tell_a_story_and_seeding_twice_changes_nothing(settings, tmp_path):
    use_private_storage(settings, tmp_path)  # the learning demo imports a SCORM package
    call_command("seed_demo", verbosity=0)
    demo = Tenant.objects.get(slug="demo")
    with tenant_context(demo):
        count = PartnerCost.objects.count()
        days = PartnerCost.objects.order_by("period_start").values_list("period_start", flat=True)
        assert count > 100
        assert (timezone.localdate() - days.first()).days > 500
        assert PartnerCost.objects.filter(currency="EUR").exists()
        today = timezone.localdate()
        figure = compute("ropi", Scope(start=today - timedelta(days=540), end=today), per_partner=True)
        assert figure.value is not None and figure.value > 0
        ropis = figure.by_partner.values()
        assert any(value is not None and value < 0 for value in ropis)
        assert any(value is not None and value > 100 for value in ropis)
    call_command("seed_demo", verbosity=0)
    with tenant_context(demo):
        assert PartnerCost.objects.count() == count
