"""Adding and changing partner organizations: the plain create and update CRM integrations and staff use."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from partners.models import (
    CustomPartnerType,
    PartnerOrganization,
    PartnerType,
)
from prm import policy
from prm.errors import ValidationFailed
from prm.events import record_event
from prm.geography import Region, is_country, regions_from
from prm.policy import Actor

EDITABLE_FIELDS = ("name", "partner_type", "website", "country", "region", "external_id")


def partner_payload(partner: PartnerOrganization) -> dict:
    return {field: getattr(partner, field) for field in ("id", *EDITABLE_FIELDS, "status")}


def partner_type_is_known(partner_type: str) -> bool:
    """A built-in partner type, or one the tenant added."""
    return partner_type in PartnerType.values or CustomPartnerType.objects.filter(key=partner_type).exists()


def _clean_place(partner: PartnerOrganization, fields) -> None:
    """The region and country an integration or staff sent, as codes (prm.geography): "Europe" is EMEA, "uk" is GB;
    anything else is refused on its field. Only fields being written are checked, so a value kept from before the
    choices does not block another change."""
    if "region" in fields and partner.region:
        regions, unknown = regions_from([partner.region])
        if unknown or len(regions) != 1:
            raise ValidationFailed(
                _("Unknown region %(values)s: choose from %(regions)s.")
                % {"values": f"“{partner.region}”", "regions": ", ".join(Region.values)},
                field="region",
            )
        partner.region = regions[0]
    if "country" in fields and partner.country:
        country = partner.country.strip().upper()
        country = "GB" if country == "UK" else country
        if not is_country(country):
            raise ValidationFailed(_("Enter a two-letter ISO country code such as DE or US."), field="country")
        partner.country = country


def _save(partner: PartnerOrganization) -> None:
    if not partner.name.strip():
        raise ValidationFailed(_("Enter the partner's name."), field="name")
    if not partner_type_is_known(partner.partner_type):
        raise ValidationFailed(
            _("Unknown partner type '%(type)s'.") % {"type": partner.partner_type}, field="partner_type"
        )
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError as exc:
        if "external_id" in str(exc):
            raise ValidationFailed(_("Another partner has this external_id."), field="external_id") from exc
        raise ValidationFailed(_("A partner with this name exists already."), field="name") from exc


@transaction.atomic
def partner_create(*, actor: Actor, **fields) -> PartnerOrganization:
    """Staff who manage partners (and tenant API keys) add a partner organization."""
    policy.require(actor, "partners.manage")
    partner = PartnerOrganization(**{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    _clean_place(partner, fields)
    _save(partner)
    record_event("partner.created", subject=partner, payload=partner_payload(partner), actor=actor)
    return partner


@transaction.atomic
def partner_update(*, actor: Actor, partner: PartnerOrganization, **fields) -> PartnerOrganization:
    policy.require(actor, "partners.manage", partner)
    partner = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    changed = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS and getattr(partner, k) != v}
    if not changed:
        return partner
    for field, value in changed.items():
        setattr(partner, field, value)
    _clean_place(partner, changed)
    _save(partner)
    record_event(
        "partner.updated",
        subject=partner,
        payload={**partner_payload(partner), "changed": sorted(changed)},
        actor=actor,
    )
    return partner
