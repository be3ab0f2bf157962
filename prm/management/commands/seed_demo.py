"""Seeds the demo tenant `demo`: a network-security vendor's partner program. Idempotent."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from prm import registry
from prm.demo import STAFF, demo_member
from prm.models import Notification, Tenant
from prm.tenancy import tenant_context


class Command(BaseCommand):
    help = "Create the demo tenant 'demo' with its staff, then every app's part of the demo program (idempotent)."

    def handle(self, *args, **options):
        started = timezone.now()
        with transaction.atomic():
            tenant, created = Tenant.objects.get_or_create(
                slug="demo",
                defaults={
                    "name": "Sentinel Networks",
                    "program_name": "Sentinel Partner Program",
                    "primary_colour": "#0b5394",
                    "base_currency": "USD",
                },
            )
            with tenant_context(tenant):
                admin, *_ = [demo_member(email, first, last, role) for email, first, last, role in STAFF]
                for seed in registry.demo_seeders():
                    seed(tenant, admin)
                # What the seeders did through the apps' services is the demo's history: its notifications stay in
                # the bell but count as e-mailed, so the first `make run` does not e-mail every demo person about it.
                Notification.objects.filter(created_at__gte=started, emailed_at__isnull=True).update(
                    emailed_at=timezone.now()
                )
        verb = "Created" if created else "Demo tenant already present:"
        self.stdout.write(self.style.SUCCESS(f"{verb} tenant 'demo' ({tenant.name})."))
