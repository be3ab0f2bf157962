"""Contacts: the people at a partner organization the vendor deals with."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from partners.models import (
    PartnerContact,
    PartnerOrganization,
)
from partners.services.cleaning import CONTACT_FIELDS, clean_contact
from prm import policy
from prm.errors import ValidationFailed
from prm.events import record_event
from prm.policy import Actor

# Contacts -----------------------------------------------------------------------------------------------------


def _contact_payload(contact: PartnerContact) -> dict:
    return {
        "id": contact.pk,
        "partner_organization": contact.partner_organization_id,
        **{field: getattr(contact, field) for field in CONTACT_FIELDS},
    }


def _save_contact(contact: PartnerContact) -> None:
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as exc:
        raise ValidationFailed(_("Another contact has this external_id."), field="external_id") from exc
    if contact.is_primary:
        # One primary contact per partner: the newest choice wins.
        PartnerContact.objects.filter(partner_organization_id=contact.partner_organization_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)


@transaction.atomic
def contact_create(*, actor: Actor, partner: PartnerOrganization, **fields) -> PartnerContact:
    """Staff who manage partners, and the partner's own admin, add a contact to the partner."""
    policy.require(actor, "contacts.manage", partner)
    fields.setdefault("name", "")
    contact = PartnerContact(partner_organization=partner, **clean_contact(fields))
    _save_contact(contact)
    record_event("contact.created", subject=contact, payload=_contact_payload(contact), actor=actor)
    return contact


@transaction.atomic
def contact_update(*, actor: Actor, contact: PartnerContact, **fields) -> PartnerContact:
    policy.require(actor, "contacts.manage", contact)
    cleaned = clean_contact(fields)
    contact = PartnerContact.objects.select_for_update().get(pk=contact.pk)
    changed = sorted(name for name, value in cleaned.items() if getattr(contact, name) != value)
    if not changed:
        return contact
    for name in changed:
        setattr(contact, name, cleaned[name])
    _save_contact(contact)
    record_event(
        "contact.updated", subject=contact, payload={**_contact_payload(contact), "changed": changed}, actor=actor
    )
    return contact


@transaction.atomic
def contact_delete(*, actor: Actor, contact: PartnerContact) -> None:
    policy.require(actor, "contacts.manage", contact)
    payload = _contact_payload(contact)
    record_event("contact.deleted", subject=contact, payload=payload, actor=actor)
    contact.delete()
