"""Conflict screening of a registration's customer: the normalised domain, the matching keys, the conflicts found by
dealreg.selectors.conflicts, and what each kind of viewer may learn of them.

A partner never learns which partner holds a conflicting registration, nor its id, nor anything of the vendor's
CRM: it is told only that the customer is already registered, or already worked by the vendor's sales team. Its
own organization's registrations are its own to see. Staff see every conflict with its id.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealreg import matching
from dealreg.selectors.conflicts import find_conflicts
from prm import policy
from prm.cleaning import clean_text
from prm.domains import is_valid_domain, registrable_domain
from prm.errors import PermissionDenied, ValidationFailed
from prm.policy import Actor

# A registration of the same partner matching at least this well is a duplicate: submitting it is refused.
DUPLICATE_SCORE = 0.9
# Under the first-come policy, an approved registration of another partner matching at least this well turns a
# new registration down at once.
FIRST_COME_SCORE = 0.9

CHANNEL_MESSAGE = gettext_lazy("This customer is already registered by another partner.")
DIRECT_SALES_MESSAGE = gettext_lazy("This customer is already being worked by the vendor's sales team.")
OWN_MESSAGE = gettext_lazy("Your organization already registered this customer.")


@dataclass(frozen=True)
class Customer:
    name: str
    domain: str
    country: str = ""


def customer_domain(value: str, *, field: str = "customer_website") -> str:
    """The registrable domain of what the partner typed (a web address, a domain, an email address); refused with a
    message naming `field` when it is not a domain at all."""
    value = (value or "").strip()
    if not value:
        return ""
    domain = registrable_domain(value)
    if not domain or not is_valid_domain(domain):
        raise ValidationFailed(
            _("Enter the customer's website or domain, such as acme.com or https://www.acme.co.uk."), field=field
        )
    return domain


def match_keys(name: str, domain: str) -> list[str]:
    return matching.match_keys(name, domain)


def find(customer: Customer, *, exclude_registration_id: int | None = None) -> list[dict]:
    """Conflicts of a customer, best first, as stored on a registration:
    [{"kind", "id", "score", "reason", "partner_organization_id"}] (the partner only for registrations)."""
    found = find_conflicts(
        customer_name=customer.name,
        customer_domain=customer.domain,
        customer_country=customer.country,
        exclude_registration_id=exclude_registration_id,
    )
    return [
        {
            "kind": conflict.kind,
            "id": conflict.id,
            "score": round(float(conflict.score), 3),
            "reason": conflict.reason,
            "partner_organization_id": getattr(conflict, "partner_organization_id", None),
        }
        for conflict in found
    ]


def is_own(conflict: dict, partner_organization_id: int | None) -> bool:
    return (
        conflict["kind"] == "registration"
        and partner_organization_id is not None
        and conflict.get("partner_organization_id") == partner_organization_id
    )


def duplicates(conflicts: list[dict], partner_organization_id: int) -> list[dict]:
    """The partner's own registrations of the same customer (strong matches only)."""
    return [c for c in conflicts if is_own(c, partner_organization_id) and c["score"] >= DUPLICATE_SCORE]


def for_viewer(conflicts: list[dict], *, viewer_partner_organization_id: int | None) -> list[dict]:
    """Conflicts as a viewer may see them: everything for staff (`viewer_partner_organization_id` None); for a
    partner, no ids and plain words, except for its own organization's registrations. One line per record, and for
    a partner one line per message: a CRM account and its open opportunity are one "vendor's sales team" line."""
    shown, listed = [], set()
    for conflict in conflicts:
        if viewer_partner_organization_id is None:
            if (conflict["kind"], conflict["id"]) not in listed:
                listed.add((conflict["kind"], conflict["id"]))
                shown.append(
                    {**{key: conflict[key] for key in ("kind", "id", "score")}, "reason": reason_text(conflict)}
                )
            continue
        if is_own(conflict, viewer_partner_organization_id):
            shown.append(
                {
                    "kind": "registration",
                    "id": conflict["id"],
                    "score": conflict["score"],
                    "reason": f"{OWN_MESSAGE} ({reason_text(conflict)})",
                }
            )
            continue
        message = CHANNEL_MESSAGE if conflict["kind"] == "registration" else DIRECT_SALES_MESSAGE
        if message not in listed:  # best first: the line keeps the best score
            listed.add(message)
            shown.append({"kind": conflict["kind"], "id": None, "score": conflict["score"], "reason": str(message)})
    return shown


def reason_text(conflict: dict) -> str:
    return matching.reason_text(conflict.get("reason", ""))


def viewer_organization_id(actor: Actor) -> int | None:
    """None for staff (and tenant API keys); the partner organization for partner users and partner-bound keys."""
    is_partner = getattr(actor, "is_partner_role", False)
    return getattr(actor, "partner_organization_id", None) if is_partner else None


def conflict_check(
    *,
    actor: Actor,
    customer_name: str,
    customer_domain: str = "",
    customer_country: str = "",
    exclude_registration_id: int | None = None,
) -> list[dict]:
    """A dry run of conflict detection for a customer being typed (changes nothing), as the actor may see it:
    staff see every conflict with its id; a partner only whether the customer is already registered or worked by
    the vendor's sales team (its own organization's registrations excepted)."""
    if not (policy.can(actor, "deals.register") or policy.can(actor, "deals.review")):
        raise PermissionDenied(_("You may not register deals."))
    name = clean_text(customer_name, field="customer_name", max_length=255)
    domain = customer_domain_of(customer_domain)
    country = clean_text(customer_country, field="customer_country", max_length=2).upper()
    if not name and not domain:
        return []
    found = find(Customer(name, domain, country), exclude_registration_id=exclude_registration_id)
    return for_viewer(found, viewer_partner_organization_id=viewer_organization_id(actor))


def customer_domain_of(value) -> str:
    value = clean_text(value, field="customer_domain", max_length=255)
    return customer_domain(value, field="customer_domain")
