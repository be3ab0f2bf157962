"""Contacts: the people at a partner organization the vendor deals with."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from partners.models import (
    PartnerContact,
    PartnerOrganization,
)
from partners.services.profile import PHONE_PATTERN
from prm import policy
from prm.cleaning import clean_text
from prm.errors import PermissionDenied, ValidationFailed
from prm.events import record_event

# Contacts -----------------------------------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "email", "phone", "job_title", "is_primary", "external_id")


def _contact_payload(contact: PartnerContact) -> dict:
    return {
        "id": contact.pk,
        "partner_organization": contact.partner_organization_id,
        **{field: getattr(contact, field) for field in CONTACT_FIELDS},
    }


def _clean_contact(fields: dict) -> dict:
    cleaned = {}
    for name, value in fields.items():
        if name not in CONTACT_FIELDS:
            raise ValidationFailed("Not a contact field.", field=name)
        if name == "name":
            cleaned[name] = clean_text(value, field="name", max_length=200, required="Enter the contact's name.")
        elif name == "email":
            email = clean_text(value, field="email", max_length=254).lower()
            try:
                if email:
                    validate_email(email)
            except DjangoValidationError as exc:
                raise ValidationFailed("Enter a valid email address.", field="email") from exc
            cleaned[name] = email
        elif name == "phone":
            phone = clean_text(value, field="phone", max_length=40)
            if phone and not PHONE_PATTERN.match(phone):
                raise ValidationFailed("Use digits, spaces and + ( ) - . only.", field="phone")
            cleaned[name] = phone
        elif name == "job_title":
            cleaned[name] = clean_text(value, field="job_title", max_length=100)
        elif name == "external_id":
            cleaned[name] = clean_text(value, field="external_id", max_length=100)
        else:
            cleaned[name] = bool(value)
    return cleaned


def _save_contact(contact: PartnerContact) -> None:
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as exc:
        raise ValidationFailed("Another contact has this external_id.", field="external_id") from exc
    if contact.is_primary:
        # One primary contact per partner: the newest choice wins.
        PartnerContact.objects.filter(partner_organization_id=contact.partner_organization_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)


@transaction.atomic
def contact_create(*, actor, partner: PartnerOrganization, **fields) -> PartnerContact:
    """Staff who manage partners, and the partner's own admin, add a contact to the partner."""
    if not policy.can(actor, "contacts.manage", partner):
        raise PermissionDenied("You may not add contacts to this partner.")
    fields.setdefault("name", "")
    contact = PartnerContact(partner_organization=partner, **_clean_contact(fields))
    _save_contact(contact)
    record_event("contact.created", subject=contact, payload=_contact_payload(contact), actor=actor)
    return contact


@transaction.atomic
def contact_update(*, actor, contact: PartnerContact, **fields) -> PartnerContact:
    if not policy.can(actor, "contacts.manage", contact):
        raise PermissionDenied("You may not change this contact.")
    cleaned = _clean_contact(fields)
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
def contact_delete(*, actor, contact: PartnerContact) -> None:
    if not policy.can(actor, "contacts.manage", contact):
        raise PermissionDenied("You may not remove this contact.")
    payload = _contact_payload(contact)
    record_event("contact.deleted", subject=contact, payload=payload, actor=actor)
    contact.delete()
