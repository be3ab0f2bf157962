"""The tenant's rules of engagement: read (defaults until a tenant admin saves its own) and update."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from dealreg.models import ConflictPolicy, EngagementRules
from dealreg.services.cleaning import clean_choice, clean_whole_number
from prm import policy
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.money import clean_amount
from prm.policy import Actor

# Who decides extension requests: channel managers (with tenant admins), or tenant admins only.
EXTENSION_APPROVERS = {
    "channel_manager": "Channel managers (and tenant admins)",
    "tenant_admin": "Tenant admins only",
}

# field -> (lowest, highest) for the whole-number rules; the model's validators say the same.
NUMBER_RANGES = {
    "protection_days": (1, 730),
    "max_extensions": (0, 10),
    "extension_days": (1, 365),
    "review_sla_business_days": (1, 30),
    "expiry_warning_days": (0, 90),
}
NOTES_MAX_LENGTH = 5000
RULE_FIELDS = (
    *NUMBER_RANGES,
    "extension_approver",
    "conflict_policy",
    "minimum_amount",
    "auto_approve",
    "auto_approve_max_amount",
    "notes",
)


def engagement_rules_get() -> EngagementRules:
    """The current tenant's rules; until a tenant admin saves them, the defaults (an unsaved row)."""
    return EngagementRules.objects.filter().first() or EngagementRules()


@transaction.atomic
def engagement_rules_update(*, actor: Actor, **changes) -> EngagementRules:
    """Tenant admins set the rules of engagement; each value is checked (field-named errors) and saved together.
    The first save creates the tenant's row (one per tenant, backed by a unique constraint)."""
    policy.require(actor, "deals.manage_rules")
    unknown = sorted(set(changes) - set(RULE_FIELDS))
    if unknown:
        raise ValidationFailed(f"Unknown rules: {', '.join(unknown)}.", field=unknown[0])
    rules = EngagementRules.objects.select_for_update().filter().first() or EngagementRules()
    for field, value in changes.items():
        if field in NUMBER_RANGES:
            low, high = NUMBER_RANGES[field]
            value = clean_whole_number(value, field=field, low=low, high=high)
        elif field == "extension_approver":
            value = clean_choice(
                value, EXTENSION_APPROVERS, field=field, message="Choose who decides extension requests."
            )
        elif field == "conflict_policy":
            value = clean_choice(value, ConflictPolicy.values, field=field, message="Choose how conflicts are settled.")
        elif field == "minimum_amount":
            value = Decimal("0") if value in (None, "") else clean_amount(value, field=field, positive=False)
        elif field == "auto_approve_max_amount":
            value = None if value in (None, "") else clean_amount(value, field=field, label="The limit")
        elif field == "auto_approve":
            value = bool(value)
        elif field == "notes":
            value = clean_text(value, field=field, max_length=NOTES_MAX_LENGTH)
        setattr(rules, field, value)
    if rules.max_extensions and rules.extension_days < 1:
        raise ValidationFailed("An extension lasts at least one day.", field="extension_days")
    try:
        with transaction.atomic():
            rules.save()
    except IntegrityError:
        # Two admins saving the tenant's first rules at once: the other one's row exists now.
        raise ValidationFailed("Someone else saved the rules a moment ago: reload the page and try again.") from None
    return rules


def rules_summary(rules: EngagementRules, *, currency: str) -> list[tuple[str, str]]:
    """The rules in plain words, for the public program page and the settings page: (topic, sentence)."""
    days = rules.protection_days
    items = [
        (
            "Protection",
            f"An approved registration is protected for {days} days from approval: during that time the deal is "
            "yours, and other partners' registrations of the same customer are turned down.",
        )
    ]
    if rules.max_extensions:
        approver = "a channel manager" if rules.extension_approver == "channel_manager" else "the program's admins"
        times = "once" if rules.max_extensions == 1 else f"up to {rules.max_extensions} times"
        items.append(
            (
                "Extensions",
                f"While a registration is protected you can ask {times} for more time, up to {rules.extension_days} "
                f"days each, with a reason; {approver} decides.",
            )
        )
    else:
        items.append(("Extensions", "Protection cannot be extended: register again when it has ended."))
    items.append(
        (
            "Expiry",
            f"A protected deal that is neither won nor lost when its protection ends expires. We warn you "
            f"{rules.expiry_warning_days} days before.",
        )
        if rules.expiry_warning_days
        else ("Expiry", "A protected deal that is neither won nor lost when its protection ends expires.")
    )
    if rules.conflict_policy == ConflictPolicy.FIRST_COME:
        conflicts = (
            "First come, first served: when another partner already holds an approved registration of the same "
            "customer, a new registration is turned down at once. Any other overlap — with a registration still "
            "in review, or with the vendor's own sales team — is decided by a channel manager."
        )
    else:
        conflicts = (
            "When a registration overlaps with another partner's or with the vendor's own sales team, a channel "
            "manager reviews both and decides; the earlier registration counts in its favour."
        )
    items.append(("Conflicts", conflicts))
    if rules.minimum_amount:
        items.append(
            ("Minimum deal size", f"Deals of at least {rules.minimum_amount:,.2f} {currency} can be registered.")
        )
    else:
        items.append(("Minimum deal size", "Deals of any size can be registered."))
    sla = rules.review_sla_business_days
    items.append(
        (
            "Review",
            f"A channel manager decides within {sla} business day{'s' if sla != 1 else ''} of submission "
            "(Monday to Friday). While we wait for an answer from you, the clock stops.",
        )
    )
    if rules.auto_approve:
        limit = (
            f" and amounts up to {rules.auto_approve_max_amount:,.2f} {currency}"
            if rules.auto_approve_max_amount
            else ""
        )
        items.append(
            (
                "Automatic approval",
                f"Registrations with no conflict, from partners in good standing{limit}, are approved at once.",
            )
        )
    else:
        items.append(("Automatic approval", "Every registration is approved by a channel manager."))
    return items
