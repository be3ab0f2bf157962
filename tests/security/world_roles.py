"""The isolation world's people in every role, and the objects whose ids the harness sends where they do not belong.

People: tenant A's staff in each staff role, organization X's and organization Y's people in each partner role,
and tenant B's people in every role (its partners in its organization "Bravo Secret Partners").

Foreign objects, one of each kind a request body can name by id: organization Y's (or, for tenant-wide kinds,
one that does not apply to X) and tenant B's. Their texts carry Y's and B's markers, so a response that shows one
of them to the wrong side fails the harness.
"""

from datetime import timedelta

from django.utils import timezone

from prm.api.keys import ALL_SCOPES, api_key_create
from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role
from prm.tenancy import tenant_context
from tests.factories import PartnerApplicationFactory, PartnerOrganizationFactory, PartnerUserFactory, StaffFactory

OBJECT_KWARGS: dict = {}
API_OBJECTS: dict = {}


def _deal(organization, user, name: str, domain: str):
    from dealreg.models import DealRegistration, DealStatus
    from dealreg.services.screening import match_keys

    today = timezone.localdate()
    return DealRegistration.objects.create(
        partner_organization=organization,
        registered_by=user,
        status=DealStatus.SUBMITTED,
        customer_name=f"{name} Customer",
        customer_website=domain,
        customer_domain=domain,
        title=f"{name} deal",
        amount=50000,
        currency="USD",
        expected_close_date=today + timedelta(days=45),
        submitted_at=timezone.now(),
        match_keys=match_keys(f"{name} Customer", domain),
    )


def _crm(name: str, domain: str):
    from dealreg.matching import match_keys
    from dealreg.models import CrmAccount, CrmOpportunity

    account = CrmAccount.objects.create(
        external_id=f"crm-{domain}",
        name=f"{name} Account",
        website=f"https://www.{domain}",
        domain=domain,
        match_keys=match_keys(f"{name} Account", domain),
    )
    opportunity = CrmOpportunity.objects.create(
        external_id=f"crm-opp-{domain}",
        account=account,
        name=f"{name} opportunity",
        customer_name=f"{name} Account",
        domain=domain,
        stage="negotiation",
        match_keys=match_keys(f"{name} Account", domain),
    )
    return account, opportunity


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    from dealreg.models import Product
    from partners import services as partner_services

    a, b = world.tenant_a, world.tenant_b
    # (side, role) -> membership. Sides: "a" (tenant A's staff), "x" and "y" (A's organizations), "b" (tenant B).
    people = {("a", Role.TENANT_ADMIN): world.admin_a, ("x", Role.PARTNER_ADMIN): world.member_x}
    people[("y", Role.PARTNER_ADMIN)] = world.partner_y
    people[("b", Role.TENANT_ADMIN)] = world.admin_b
    world.org_b = PartnerOrganizationFactory(tenant=b, name="Bravo Secret Partners")
    for role in STAFF_ROLES:
        people.setdefault(("a", role), StaffFactory(tenant=a, role=role))
        people.setdefault(("b", role), StaffFactory(tenant=b, role=role))
    for role in PARTNER_ROLES:
        people.setdefault(("x", role), PartnerUserFactory(tenant=a, partner_organization=world.org_x, role=role))
        people.setdefault(("y", role), PartnerUserFactory(tenant=a, partner_organization=world.org_y, role=role))
        people.setdefault(("b", role), PartnerUserFactory(tenant=b, partner_organization=world.org_b, role=role))
    world.people = people

    from partners.models import PartnerContact

    # Organization Y's registration and contact (with the CRM's ids), and tenant A's own catalogue and API key.
    world.deal_y = _deal(world.org_y, world.partner_y.user, "Yonder Secret", "yonder-secret.com")
    world.contact_y = PartnerContact.objects.create(
        partner_organization=world.org_y, name="Yonder Secret contact", email="y@yonder.example", external_id="crm-c-y"
    )
    for obj, external_id in ((world.org_y, "crm-p-y"), (world.deal_y, "crm-d-y"), (world.application, "crm-a-a")):
        obj.external_id = external_id
        obj.save(update_fields=["external_id"])
    world.product_a = Product.objects.create(sku="ALPHA-1", name="Alpha Vendor firewall")
    world.api_key_a, _ = api_key_create(actor=world.admin_a, name="Alpha Vendor CRM sync", scopes=ALL_SCOPES)
    with tenant_context(b):
        admin_b = world.admin_b
        world.deal_b = _deal(world.org_b, people[("b", Role.PARTNER_ADMIN)].user, "Bravo Secret", "bravo-secret.com")
        world.contact_b = PartnerContact.objects.create(
            partner_organization=world.org_b,
            name="Bravo Secret contact",
            email="b@bravo.example",
            external_id="crm-c-b",
        )
        PartnerApplicationFactory(tenant=b, company_name="Bravo Secret Applicant", external_id="crm-a-b")
        for obj, external_id in ((world.org_b, "crm-p-b"), (world.deal_b, "crm-d-b")):
            obj.external_id = external_id
            obj.save(update_fields=["external_id"])
        world.product_b = Product.objects.create(sku="BRAVO-1", name="Bravo Secret appliance")
        world.crm_account_b, world.crm_opportunity_b = _crm("Bravo Secret", "bravo-secret-direct.com")
        world.api_key_b, _ = api_key_create(actor=admin_b, name="Bravo Secret CRM sync", scopes=ALL_SCOPES)
        agreement_b = partner_services.agreement_create(actor=admin_b, name="Bravo Secret program agreement")
        world.agreement_version_b = partner_services.agreement_version_create(
            actor=admin_b, agreement=agreement_b, body="Bravo Secret terms."
        )
        partner_services.agreement_version_publish(actor=admin_b, version=world.agreement_version_b)
