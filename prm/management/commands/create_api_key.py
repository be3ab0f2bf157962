from datetime import date

from django.core.management.base import BaseCommand, CommandError

from prm.api.forms import expiry_from_date
from prm.api.keys import ALL_SCOPES, api_key_create
from prm.errors import DomainError
from prm.models import Tenant, partner_organization_model
from prm.roles import Role
from prm.tenancy import tenant_context


class PlatformOperator:
    """The actor of this command: whoever can run manage.py operates the platform and may do what a tenant admin
    of the named program may. The service still asks the policy module (which needs a role, a tenant and an
    active flag), so the key is made by the same rules as in the settings page; it has no user, so the key's
    `created_by` stays empty and its `api_key.created` event has no actor user."""

    role = Role.TENANT_ADMIN
    is_active = True
    user = None
    partner_organization_id = None

    def __init__(self, tenant: Tenant):
        self.tenant = tenant
        self.tenant_id = tenant.pk

    def __str__(self):
        return "platform operator (manage.py create_api_key)"


class Command(BaseCommand):
    help = "Create an API key for a program and print it once (only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("tenant_slug", help="the program's slug (its address /t/<slug>/)")
        parser.add_argument("--name", required=True, help="after the integration that will use it")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            default=[],
            metavar="SCOPE",
            help=f"repeat for each scope; one of: {', '.join(ALL_SCOPES)} (write includes read)",
        )
        parser.add_argument("--partner", type=int, help="bind the key to this partner organization (its id)")
        parser.add_argument("--expires", help="YYYY-MM-DD: the key stops working at 00:00 UTC that day")

    def handle(self, *args, tenant_slug, name, scopes, partner, expires, **options):
        tenant = Tenant.objects.filter(slug=tenant_slug, is_active=True).first()
        if tenant is None:
            raise CommandError(f"tenant_slug: there is no active program '{tenant_slug}'.")
        expires_at = self._expiry(expires)
        with tenant_context(tenant):
            organization = None
            if partner is not None:
                organization = partner_organization_model().objects.filter(pk=partner).first()
                if organization is None:
                    raise CommandError(f"--partner: program '{tenant.slug}' has no partner organization {partner}.")
            try:
                api_key, raw_key = api_key_create(
                    actor=PlatformOperator(tenant),
                    name=name,
                    scopes=scopes,
                    partner_organization=organization,
                    expires_at=expires_at,
                )
            except DomainError as error:
                option = {"name": "--name", "scopes": "--scope", "expires_at": "--expires"}.get(error.field, "")
                raise CommandError(f"{option or error.field}: {error.message}") from error
        self.stderr.write(f"Created API key '{api_key.name}' ({api_key.prefix}…) for program '{tenant.slug}'.")
        self.stderr.write(f"Scopes: {', '.join(api_key.scopes)}")
        if organization is not None:
            self.stderr.write(f"Bound to partner organization {organization.pk} ({organization.name}).")
        if api_key.expires_at:
            self.stderr.write(f"Expires: {api_key.expires_at:%Y-%m-%d %H:%M} UTC")
        self.stderr.write("Copy the key now: it is shown only this once.")
        # The key alone on stdout, so that a script can capture it: KEY=$(manage.py create_api_key …)
        self.stdout.write(raw_key)

    @staticmethod
    def _expiry(value):
        if not value:
            return None
        try:
            return expiry_from_date(date.fromisoformat(value))
        except ValueError as error:
            raise CommandError(f"--expires: '{value}' is not a date as YYYY-MM-DD.") from error
