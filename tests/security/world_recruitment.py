"""The isolation world's applications and ideal-partner-profile criteria:
objects of tenant A (organization X's where they belong to a partner)."""

from partners import services
from partners.models import IppAttribute, IppOperator
from prm.tenancy import current_tenant

# URL parameter -> the object's id (or token), for page routes.
OBJECT_KWARGS = {
    "application_id": lambda w: w.application.pk,
    "criterion_id": lambda w: w.criterion.pk,
    "confirmation_token": lambda w: w.confirmation_token,
}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "application": lambda w: w.application.pk,
}


def _application(name: str, domain: str) -> dict:
    return {
        "company_name": name,
        "website": f"https://www.{domain}",
        "contact_first_name": "Xavier",
        "contact_email": f"xavier@{domain}",
        "partner_type": "var",
        "country": "DE",
        "message": "Xylophone Secure wants to resell.",
    }


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world:
    a submitted application of "Xylophone Secure Labs" (its text carries X's marker), a criterion of tenant A
    (its label carries A's marker), and the confirmation token of another application still waiting for it."""
    from partners.models import IppCriterion

    assert current_tenant() == world.tenant_a
    world.criterion = IppCriterion.objects.create(
        label="Alpha Vendor home market",
        attribute=IppAttribute.COUNTRY,
        operator=IppOperator.IN,
        value=["DE"],
        weight=10,
    )
    world.application = services.application_create(
        actor=world.admin_a, **_application("Xylophone Secure Labs", "xylophone-labs.com")
    )
    _pending, world.confirmation_token = services.application_submit(
        data=_application("Xylophone Secure Pending", "xylophone-pending.com")
    )
