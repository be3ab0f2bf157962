from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from prm.errors import DomainError
from prm.services import tenant_create


class Command(BaseCommand):
    help = "Open a new partner program (tenant) and invite its first tenant admin; prints the invitation link."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="address of the program: /t/<slug>/")
        parser.add_argument("--name", required=True, help="the vendor's name")
        parser.add_argument("--admin-email", required=True, help="email of the first tenant admin")
        parser.add_argument("--program-name", default="", help="shown in the portal (default: the name)")
        parser.add_argument("--currency", default="USD", help="base currency, ISO 4217 (default USD)")

    def handle(self, *args, slug, name, admin_email, program_name, currency, **options):
        try:
            tenant, invitation, token = tenant_create(
                slug=slug, name=name, admin_email=admin_email, program_name=program_name, base_currency=currency
            )
        except DomainError as error:
            raise CommandError(f"{error.field}: {error.message}") from error
        link = settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[tenant.slug, token])
        self.stdout.write(self.style.SUCCESS(f"Created program '{tenant.slug}' ({tenant.name})."))
        self.stdout.write(
            f"Invitation for {invitation.email} (tenant admin), valid until {invitation.expires_at:%Y-%m-%d %H:%M %Z}:"
        )
        self.stdout.write(link)
