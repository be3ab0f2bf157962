"""The two-tenant world the isolation harnesses use: tenant A with partner organizations X and Y, and tenant B."""

from dataclasses import dataclass

import pytest
from django.db import transaction

from partners.models import PartnerContact
from prm.events import record_event
from prm.models import WebhookDelivery, WebhookEndpoint
from prm.notifications import notify
from prm.roles import Role
from prm.services import invitation_create
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, TenantFactory
from tests.security import (
    world_agreements,
    world_analytics,
    world_authoring,
    world_certifications,
    world_dealreg,
    world_events,
    world_learning,
    world_onboarding,
    world_quizzes,
    world_recruitment,
    world_roles,
    world_scorm,
    world_tiering,
)

# Markers of organization X's data (never shown to another organization or tenant) and of tenant A itself
# (never shown to another tenant's users).
SECRET_MARKERS = ["Xylophone Secure", "xavier@xylophone.example", "invitee@xylophone.example"]
TENANT_A_MARKERS = ["Alpha Vendor"]
# Markers of organization Y's data (never shown to organization X) and of tenant B (never shown to tenant A).
ORGANIZATION_Y_MARKERS = ["Yonder Secret"]
TENANT_B_MARKERS = ["Beta Vendor", "Bravo Secret"]


@dataclass
class World:
    tenant_a: object
    tenant_b: object
    org_x: object
    org_y: object
    member_x: object
    partner_y: object
    admin_a: object
    admin_b: object
    invitation: object
    token: str
    event: object
    notification: object
    endpoint: object = None
    delivery: object = None
    contact: object = None


# URL parameter -> the tenant-A object (owned by organization X) the harness puts in the route.
OBJECT_KWARGS = {
    "partner_id": lambda w: w.org_x.pk,
    "membership_id": lambda w: w.member_x.pk,
    "invitation_id": lambda w: w.invitation.pk,
    "token": lambda w: w.token,
    "notification_id": lambda w: w.notification.pk,
    "endpoint_id": lambda w: w.endpoint.pk,
    "delivery_id": lambda w: w.delivery.pk,
    "contact_id": lambda w: w.contact.pk,
}


# Each domain area adds its own objects of organization X to the world, and its URL parameters and router
# basenames, in tests/security/world_<area>.py (`extend(world)`, `OBJECT_KWARGS`, `API_OBJECTS`).
WORLD_PARTS = [
    world_recruitment,
    world_onboarding,
    world_agreements,
    world_dealreg,
    world_events,
    world_roles,
    # After world_roles: enrolls organization X's people of every role.
    world_authoring,
    # After world_roles: the quiz world's attempts are taken by its people.
    world_quizzes,
    # After world_authoring: certifies organization X's partner admin.
    world_certifications,
    world_scorm,
    world_learning,
    world_tiering,
    # After world_roles: tenant B's organization has a cost too.
    world_analytics,
]
for _part in WORLD_PARTS:
    OBJECT_KWARGS.update(_part.OBJECT_KWARGS)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world per test module, built in a transaction that is rolled back after the module's last test (each
    test runs in a savepoint inside it, so what a test changes is undone before the next)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> World:
    tenant_a = TenantFactory(slug="tenant-a", name="Alpha Vendor")
    tenant_b = TenantFactory(slug="tenant-b", name="Beta Vendor")
    org_x = PartnerOrganizationFactory(tenant=tenant_a, name="Xylophone Secure")
    org_y = PartnerOrganizationFactory(tenant=tenant_a, name="Yonder Networks")
    member_x = PartnerUserFactory(tenant=tenant_a, partner_organization=org_x, user__email="xavier@xylophone.example")
    partner_y = PartnerUserFactory(tenant=tenant_a, partner_organization=org_y)
    admin_a = StaffFactory(tenant=tenant_a)
    admin_b = StaffFactory(tenant=tenant_b)
    with tenant_context(tenant_a):
        invitation, token = invitation_create(
            actor=member_x, email="invitee@xylophone.example", role=Role.PARTNER_SALES, partner_organization=org_x
        )
        event = record_event("partner.updated", subject=org_x, payload={"name": org_x.name}, actor=admin_a)
        [notification] = notify(
            users=[member_x.user],
            kind="invitation.accepted",
            title="invitee@xylophone.example joined Xylophone Secure",
            url=f"/t/tenant-a/partners/{org_x.pk}/",
        )
        # A webhook endpoint of tenant A (its description carries the tenant's marker) and one delivery to it.
        endpoint = WebhookEndpoint.objects.create(
            url="https://hooks.alpha.example/prm", description="Alpha Vendor CRM", secret="whsec_QWxwaGE="
        )
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event)
        # A contact of organization X (its email is one of X's markers).
        contact = PartnerContact.objects.create(
            partner_organization=org_x, name="Xenia", email="xavier@xylophone.example"
        )
    world = World(
        tenant_a,
        tenant_b,
        org_x,
        org_y,
        member_x,
        partner_y,
        admin_a,
        admin_b,
        invitation,
        token,
        event,
        notification=notification,
        endpoint=endpoint,
        delivery=delivery,
        contact=contact,
    )
    for part in WORLD_PARTS:
        with tenant_context(tenant_a):
            part.extend(world)
    return world
