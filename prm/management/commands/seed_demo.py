"""Seeds the demo tenant `demo`: a network-security vendor's partner program. Idempotent."""

import random

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from dealreg.demo import seed_deal_registration
from partners.demo import seed_partner_program
from partners.models import PartnerOrganization, PartnerStatus
from prm.demo import DEMO_PASSWORD, OTHER_STATUSES, PARTNER_USERS, PARTNERS, STAFF
from prm.models import Membership, Tenant
from prm.tenancy import tenant_context


class Command(BaseCommand):
    help = "Create the demo tenant 'demo' with staff, partner organizations and partner users (idempotent)."

    def handle(self, *args, **options):
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
                partners = self._partners()
                for email, first, last, role in STAFF:
                    self._member(email, first, last, role, None)
                for email, first, last, role, org in PARTNER_USERS:
                    self._member(email, first, last, role, partners[org])
                admin = Membership.objects.get(user__email=STAFF[0][0])
                seed_partner_program(tenant, admin)
                seed_deal_registration(tenant, admin)
        verb = "Created" if created else "Demo tenant already present:"
        self.stdout.write(self.style.SUCCESS(f"{verb} tenant 'demo' ({tenant.name}) with {len(partners)} partners."))

    def _partners(self):
        existing = {p.name: p for p in PartnerOrganization.objects.all()}
        rng = random.Random(7)  # the same demo every time
        new = []
        for name, partner_type, country, region in PARTNERS:
            if name not in existing:
                status = PartnerStatus.ACTIVE if rng.random() < 0.75 else rng.choice(OTHER_STATUSES)
                if name in {"Northwind Secure Solutions", "Bluefjord IT"}:
                    status = PartnerStatus.ACTIVE
                slug = "".join(ch for ch in name.lower() if ch.isalnum())[:24]
                new.append(
                    PartnerOrganization(
                        name=name,
                        partner_type=partner_type,
                        status=status,
                        country=country,
                        region=region,
                        website=f"https://www.{slug}.example",
                    )
                )
        for partner in PartnerOrganization.objects.bulk_create(new):
            existing[partner.name] = partner
        return existing

    def _member(self, email, first, last, role, organization):
        User = get_user_model()
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first, last_name=last)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        Membership.objects.get_or_create(user=user, defaults={"role": role, "partner_organization": organization})
