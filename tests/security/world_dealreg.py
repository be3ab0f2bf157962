"""The isolation world's deal registrations and CRM records:
objects of tenant A (organization X's where they belong to a partner)."""

# URL parameter -> the object's id, for page routes.
OBJECT_KWARGS = {
    "deal_id": lambda w: w.deal_x.pk,
    "extension_id": lambda w: w.deal_extension_x.pk,
}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "deal": lambda w: w.deal_x.pk,
    "crm-account": lambda w: w.crm_account_a.pk,
    "crm-opportunity": lambda w: w.crm_opportunity_a.pk,
}


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    from datetime import timedelta

    from django.utils import timezone

    from dealreg.models import DealExtensionRequest, DealRegistration, DealStatus
    from dealreg.services.screening import match_keys

    today = timezone.localdate()
    # An approved registration of organization X, protected, with a pending extension request: its customer and
    # texts carry X's marker so any leak shows.
    world.deal_x = DealRegistration.objects.create(
        partner_organization=world.org_x,
        registered_by=world.member_x.user,
        status=DealStatus.APPROVED,
        customer_name="Xylophone Secure Customer",
        customer_website="xylophone-customer.example",
        customer_domain="xylophone-customer.example",
        contact_email="xavier@xylophone.example",
        title="Xylophone Secure firewall refresh",
        amount=125000,
        currency="USD",
        expected_close_date=today + timedelta(days=60),
        submitted_at=timezone.now(),
        approved_at=timezone.now(),
        decided_at=timezone.now(),
        protected_until=today + timedelta(days=90),
        match_keys=match_keys("Xylophone Secure Customer", "xylophone-customer.example"),
    )
    world.deal_extension_x = DealExtensionRequest.objects.create(
        registration=world.deal_x, reason="Xylophone Secure needs a board approval", days=30
    )
    # The vendor's CRM records (tenant A's, no partner's): partners never see them, so their texts carry X's marker
    # too — organization Y's key (and any partner) must not read them anywhere.
    from dealreg.matching import match_keys as crm_match_keys
    from dealreg.models import CrmAccount, CrmOpportunity

    world.crm_account_a = CrmAccount.objects.create(
        external_id="crm-xylophone-1",
        name="Xylophone Secure Direct Account",
        website="https://www.xylophone-direct.com",
        domain="xylophone-direct.com",
        owner_email="xavier@xylophone.example",
        match_keys=crm_match_keys("Xylophone Secure Direct Account", "xylophone-direct.com"),
    )
    world.crm_opportunity_a = CrmOpportunity.objects.create(
        external_id="crm-xylophone-opp-1",
        account=world.crm_account_a,
        name="Xylophone Secure direct renewal",
        customer_name="Xylophone Secure Direct Account",
        domain="xylophone-direct.com",
        stage="negotiation",
        match_keys=crm_match_keys("Xylophone Secure Direct Account", "xylophone-direct.com"),
    )
