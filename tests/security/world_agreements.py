"""The isolation world's program agreements and their versions:
objects of tenant A (organization X's where they belong to a partner).

- A program agreement for every partner, published, and accepted by X's admin (xavier@xylophone.example, one of
  X's markers): lists and pages must never show X's acceptance to organization Y or to tenant B.
- An addendum for managed service providers, published: it applies to neither X nor Y (both are VARs), so its
  pages and API object are what the harness opens as Y (404: an agreement that does not apply to a partner does
  not exist for it), as tenant B (404) and anonymously.
"""

from partners import services
from partners.models import PartnerType

# URL parameter -> the object's id, for page routes.
OBJECT_KWARGS = {
    "agreement_id": lambda w: w.msp_addendum.pk,
    "version_id": lambda w: w.msp_addendum_v1.pk,
}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "agreement": lambda w: w.msp_addendum.pk,
    "agreement-acceptance": lambda w: w.agreement_acceptance_x.pk,
}


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    admin = world.admin_a
    program = services.agreement_create(actor=admin, name="Partner program agreement")
    program_v1 = services.agreement_version_create(
        actor=admin, agreement=program, body="# Program terms\n\nThe partner resells the vendor's products."
    )
    services.agreement_version_publish(actor=admin, version=program_v1)
    world.agreement_acceptance_x, _ = services.agreement_accept(
        actor=world.member_x, version=program_v1, ip_address="203.0.113.7"
    )

    world.msp_addendum = services.agreement_create(
        actor=admin, name="Managed services addendum", partner_type=PartnerType.MSP
    )
    world.msp_addendum_v1 = services.agreement_version_create(
        actor=admin, agreement=world.msp_addendum, body="Managed services are billed monthly."
    )
    services.agreement_version_publish(actor=admin, version=world.msp_addendum_v1)
