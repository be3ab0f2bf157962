"""Partner organization use cases: the plain create and update that CRM integrations and staff use, and the
lifecycle steps (approve, activate, suspend, offboard, reactivate, reject) that move a partner through
STATUS_TRANSITIONS, each recording who, when and why (the row's history and a domain event)."""

import dataclasses
import re

from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from partners import selectors
from partners.models import (
    STATUS_TRANSITIONS,
    CompanySize,
    CustomPartnerType,
    PartnerContact,
    PartnerOrganization,
    PartnerStatus,
    PartnerType,
)
from prm import policy
from prm.api.keys import _cache_key as api_key_cache_key
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.events import record_event
from prm.models import ApiKey, Invitation, Membership
from prm.tenancy import all_tenants, current_tenant

EDITABLE_FIELDS = ("name", "partner_type", "website", "country", "region", "external_id")


def _payload(partner: PartnerOrganization) -> dict:
    return {field: getattr(partner, field) for field in ("id", *EDITABLE_FIELDS, "status")}


def partner_type_is_known(partner_type: str) -> bool:
    """A built-in partner type, or one the tenant added."""
    return partner_type in PartnerType.values or CustomPartnerType.objects.filter(key=partner_type).exists()


def _save(partner: PartnerOrganization) -> None:
    if not partner.name.strip():
        raise ValidationFailed("Enter the partner's name.", field="name")
    if not partner_type_is_known(partner.partner_type):
        raise ValidationFailed(f"Unknown partner type '{partner.partner_type}'.", field="partner_type")
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError as exc:
        if "external_id" in str(exc):
            raise ValidationFailed("Another partner has this external_id.", field="external_id") from exc
        raise ValidationFailed("A partner with this name exists already.", field="name") from exc


@transaction.atomic
def partner_create(*, actor, **fields) -> PartnerOrganization:
    """Staff who manage partners (and tenant API keys) add a partner organization."""
    if not policy.can(actor, "partners.manage"):
        raise PermissionDenied("You may not add partners.")
    partner = PartnerOrganization(**{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    _save(partner)
    record_event("partner.created", subject=partner, payload=_payload(partner), actor=actor)
    return partner


@transaction.atomic
def partner_update(*, actor, partner: PartnerOrganization, **fields) -> PartnerOrganization:
    if not policy.can(actor, "partners.manage", partner):
        raise PermissionDenied("You may not change this partner.")
    partner = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    changed = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS and getattr(partner, k) != v}
    if not changed:
        return partner
    for field, value in changed.items():
        setattr(partner, field, value)
    _save(partner)
    record_event(
        "partner.updated", subject=partner, payload={**_payload(partner), "changed": sorted(changed)}, actor=actor
    )
    return partner


# Lifecycle ----------------------------------------------------------------------------------------------------

# Steps that take a partner's access away, or turn it down, must say why: the reason is shown to staff in the
# history and sent with the event.
REASON_REQUIRED = frozenset({PartnerStatus.SUSPENDED, PartnerStatus.OFFBOARDED, PartnerStatus.REJECTED})
REASON_MAX_LENGTH = PartnerOrganization._meta.get_field("status_reason").max_length


def _status_label(status: str) -> str:
    return PartnerStatus(status).label if status in PartnerStatus.values else status


def _refuse(partner: PartnerOrganization, to: str) -> InvalidTransition:
    allowed = sorted(_status_label(s) for s in STATUS_TRANSITIONS.get(partner.status, ()))
    hint = f" From {_status_label(partner.status)} it can go to: {', '.join(allowed)}." if allowed else ""
    return InvalidTransition(
        f"{partner.name} cannot go from {_status_label(partner.status)} to {_status_label(to)}.{hint}",
        field="status",
    )


def _checked(*, actor, partner: PartnerOrganization, to: str, reason: str) -> tuple[PartnerOrganization, str]:
    """Permission, row lock, transition table and reason: the partner (locked, fresh) and the cleaned reason."""
    if not policy.can(actor, "partners.change_status", partner):
        raise PermissionDenied("You may not change this partner's status.")
    partner = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    if not partner.can_transition_to(to):
        raise _refuse(partner, to)
    reason = (reason or "").strip()
    if to in REASON_REQUIRED and not reason:
        raise ValidationFailed(f"Say why the partner is {_status_label(to).lower()}.", field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed(f"Keep the reason under {REASON_MAX_LENGTH} characters.", field="reason")
    return partner, reason


def _apply(
    *,
    actor,
    partner: PartnerOrganization,
    to: str,
    reason: str,
    event_type: str,
    stamp: str | None = None,
    extra: dict | None = None,
) -> PartnerOrganization:
    """Write a checked change: status, reason, the time-to-value stamp (set only the first time), history
    (pghistory records status and status_reason with the acting user) and the event with from, to and reason."""
    before = partner.status
    partner.status, partner.status_reason = to, reason
    fields = ["status", "status_reason", "updated_at"]
    if stamp and getattr(partner, stamp) is None:
        setattr(partner, stamp, timezone.now())
        fields.append(stamp)
    partner.save(update_fields=fields)
    payload = {**_payload(partner), "from": before, "to": to, "reason": reason, **(extra or {})}
    record_event(event_type, subject=partner, payload=payload, actor=actor)
    return partner


def _change_status(
    *, actor, partner: PartnerOrganization, to: str, reason: str, event_type: str, stamp: str | None = None
) -> PartnerOrganization:
    partner, reason = _checked(actor=actor, partner=partner, to=to, reason=reason)
    return _apply(actor=actor, partner=partner, to=to, reason=reason, event_type=event_type, stamp=stamp)


@transaction.atomic
def partner_apply(*, actor, partner: PartnerOrganization, reason: str = "") -> PartnerOrganization:
    """A prospect (or a rejected partner trying again) has applied to the program."""
    return _change_status(
        actor=actor,
        partner=partner,
        to=PartnerStatus.APPLIED,
        reason=reason,
        event_type="partner.applied",
        stamp="applied_at",
    )


@transaction.atomic
def partner_approve(*, actor, partner: PartnerOrganization, reason: str = "") -> PartnerOrganization:
    """A prospect or an applicant is accepted into the program and starts onboarding."""
    partner_now = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    if partner_now.status not in (PartnerStatus.PROSPECT, PartnerStatus.APPLIED):
        raise _refuse(partner_now, PartnerStatus.ONBOARDING)
    return _change_status(
        actor=actor,
        partner=partner,
        to=PartnerStatus.ONBOARDING,
        reason=reason,
        event_type="partner.approved",
        stamp="approved_at",
    )


@transaction.atomic
def partner_activate(*, actor, partner: PartnerOrganization, reason: str = "") -> PartnerOrganization:
    """An onboarding partner goes live. `activated_at` keeps the first activation (time to value)."""
    partner_now = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    if partner_now.status != PartnerStatus.ONBOARDING:
        raise _refuse(partner_now, PartnerStatus.ACTIVE)
    return _change_status(
        actor=actor,
        partner=partner,
        to=PartnerStatus.ACTIVE,
        reason=reason,
        event_type="partner.activated",
        stamp="activated_at",
    )


@transaction.atomic
def partner_suspend(*, actor, partner: PartnerOrganization, reason: str) -> PartnerOrganization:
    """Put an onboarding or active partner on hold, with a reason.

    Suspension takes no access away: the partner's people still sign in, see the portal and their records, and
    their partner-bound API keys keep working; the partner's pages say it is suspended and why. Later use cases
    (deal registration, funds) refuse new submissions from a suspended partner. Offboarding is what cuts access."""
    return _change_status(
        actor=actor, partner=partner, to=PartnerStatus.SUSPENDED, reason=reason, event_type="partner.suspended"
    )


@transaction.atomic
def partner_reject(*, actor, partner: PartnerOrganization, reason: str) -> PartnerOrganization:
    """Turn down a prospect or an applicant, with a reason (they may apply again later)."""
    return _change_status(
        actor=actor, partner=partner, to=PartnerStatus.REJECTED, reason=reason, event_type="partner.rejected"
    )


@transaction.atomic
def partner_offboard(*, actor, partner: PartnerOrganization, reason: str) -> PartnerOrganization:
    """End the partnership, with a reason, and cut the partner's access at once, in this one transaction:

    - every membership of the organization is deactivated (the tenant middleware then answers 404);
    - its partner-bound API keys are revoked, and their cache entries deleted now and again after the commit
      (a request that read the key just before the commit cannot keep a usable copy cached);
    - its open invitations are withdrawn;
    - the sessions of its users who have no other active membership anywhere are ended. A user who still
      belongs to another program keeps their session: that access is theirs, and this program is closed to
      them by the inactive membership anyway.

    Nothing is deleted: the organization, its people, keys, invitations and history stay as records."""
    partner, reason = _checked(actor=actor, partner=partner, to=PartnerStatus.OFFBOARDED, reason=reason)
    now = timezone.now()
    memberships = Membership.objects.select_for_update().filter(partner_organization=partner, is_active=True)
    user_ids = list(memberships.values_list("user_id", flat=True))
    Membership.objects.filter(partner_organization=partner, user_id__in=user_ids).update(
        is_active=False, updated_at=now
    )
    keys = list(
        ApiKey.objects.select_for_update().filter(partner_organization=partner, revoked_at__isnull=True).order_by("pk")
    )
    ApiKey.objects.filter(pk__in=[k.pk for k in keys]).update(revoked_at=now, updated_at=now)
    cache_keys = [api_key_cache_key(k.key_hash) for k in keys]
    cache.delete_many(cache_keys)
    transaction.on_commit(lambda: cache.delete_many(cache_keys))
    for api_key in keys:
        payload = {"prefix": api_key.prefix, "reason": "partner offboarded"}
        record_event("api_key.revoked", subject=api_key, payload=payload, actor=actor)
    invitations = list(
        Invitation.objects.select_for_update()
        .filter(partner_organization=partner, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
        .order_by("pk")
    )
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(revoked_at=now, updated_at=now)
    for invitation in invitations:
        payload = {
            "email": invitation.email,
            "role": invitation.role,
            "partner_organization_id": partner.pk,
            "reason": "partner offboarded",
        }
        record_event("invitation.revoked", subject=invitation, payload=payload, actor=actor)
    sessions_ended = _end_sessions_of(_users_without_other_programs(user_ids))
    access_removed = {
        "memberships_deactivated": len(user_ids),
        "api_keys_revoked": len(keys),
        "invitations_withdrawn": len(invitations),
        "sessions_ended": sessions_ended,
    }
    return _apply(
        actor=actor,
        partner=partner,
        to=PartnerStatus.OFFBOARDED,
        reason=reason,
        event_type="partner.offboarded",
        stamp="offboarded_at",
        extra={"access_removed": access_removed},
    )


@transaction.atomic
def partner_reactivate(*, actor, partner: PartnerOrganization, reason: str = "") -> PartnerOrganization:
    """Bring a partner back: suspended → active, offboarded → onboarding (agreement and profile again).

    Only the status changes. Offboarding's other effects are not undone: memberships stay inactive until a
    tenant admin reactivates people one by one on the member page, revoked API keys stay revoked (issue new ones)
    and withdrawn invitations stay withdrawn. Months may pass between offboarding and coming back; people leave
    the partner in between, so re-enabling everyone at once would hand access to whoever held it last."""
    partner_now = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    targets = {PartnerStatus.SUSPENDED: PartnerStatus.ACTIVE, PartnerStatus.OFFBOARDED: PartnerStatus.ONBOARDING}
    if partner_now.status not in targets:
        raise InvalidTransition(
            f"{partner_now.name} is {_status_label(partner_now.status).lower()}: only suspended or offboarded "
            "partners can be reactivated.",
            field="status",
        )
    to = targets[partner_now.status]
    stamp = "activated_at" if to == PartnerStatus.ACTIVE else None
    return _change_status(
        actor=actor, partner=partner, to=to, reason=reason, event_type="partner.reactivated", stamp=stamp
    )


@transaction.atomic
def partner_change_status(*, actor, partner: PartnerOrganization, status: str, reason: str = "") -> PartnerOrganization:
    """Move a partner to `status` through the use case that leads there (the lifecycle card posts a target)."""
    if not policy.can(actor, "partners.change_status", partner):
        raise PermissionDenied("You may not change this partner's status.")
    if status not in PartnerStatus.values:
        raise ValidationFailed("Choose a status.", field="status")
    current = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    if not current.can_transition_to(status):
        raise _refuse(current, status)
    use_case = {
        PartnerStatus.APPLIED: partner_apply,
        PartnerStatus.ONBOARDING: partner_reactivate if current.status == PartnerStatus.OFFBOARDED else partner_approve,
        PartnerStatus.ACTIVE: partner_reactivate if current.status == PartnerStatus.SUSPENDED else partner_activate,
        PartnerStatus.SUSPENDED: partner_suspend,
        PartnerStatus.OFFBOARDED: partner_offboard,
        PartnerStatus.REJECTED: partner_reject,
    }[status]
    return use_case(actor=actor, partner=current, reason=reason)


def _users_without_other_programs(user_ids: list[int]) -> list[int]:
    """Of these users, those with no active membership left in any program (a cross-tenant read, by name)."""
    if not user_ids:
        return []
    with all_tenants():
        elsewhere = set(
            Membership.unscoped.filter(user_id__in=user_ids, is_active=True, tenant__is_active=True).values_list(
                "user_id", flat=True
            )
        )
    return [pk for pk in user_ids if pk not in elsewhere]


def _end_sessions_of(user_ids: list[int]) -> int:
    """Delete the live sessions of these users; returns how many. Session data is signed and encoded, so the
    owner is only known by decoding: the live sessions are read once, decoded, and deleted in one statement."""
    if not user_ids:
        return 0
    wanted = {str(pk) for pk in user_ids}
    live = Session.objects.filter(expire_date__gt=timezone.now()).only("session_key", "session_data")
    keys = [
        s.session_key for s in live.iterator(chunk_size=2000) if str(s.get_decoded().get("_auth_user_id")) in wanted
    ]
    if keys:
        Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


# Directory, profile, bulk import and contacts -------------------------------------------------------------------

# What a partner may say about itself (and staff may correct): never status, owner, tier, score or type.
PROFILE_FIELDS = (
    "legal_name",
    "website",
    "email_domains",
    "country",
    "region",
    "regions",
    "industries",
    "company_size",
    "customer_count",
)
DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
PHONE_PATTERN = re.compile(r"^[0-9+()./ x-]{3,40}$")
MAX_LIST_ITEMS = 50
_url_validator = URLValidator(schemes=["http", "https"])


def _clean_text(value, *, field: str, max_length: int, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(required, field=field)
    if len(value) > max_length:
        raise ValidationFailed(f"At most {max_length} characters.", field=field)
    return value


def _clean_website(value) -> str:
    value = _clean_text(value, field="website", max_length=200)
    if value:
        try:
            _url_validator(value)
        except DjangoValidationError as exc:
            raise ValidationFailed("Enter a web address starting with http:// or https://.", field="website") from exc
    return value


def _clean_list(values, *, field: str, max_length: int = 64) -> list[str]:
    """A list of short labels, blanks dropped, duplicates removed (first one kept)."""
    if isinstance(values, str):
        values = re.split(r"[;,\n]", values)
    cleaned = []
    for value in values or []:
        value = str(value).strip()
        if value and value not in cleaned:
            if len(value) > max_length:
                raise ValidationFailed(f"'{value[:20]}…' is longer than {max_length} characters.", field=field)
            cleaned.append(value)
    if len(cleaned) > MAX_LIST_ITEMS:
        raise ValidationFailed(f"At most {MAX_LIST_ITEMS} entries.", field=field)
    return cleaned


def _clean_domains(values) -> list[str]:
    domains = [d.lower().removeprefix("@") for d in _clean_list(values, field="email_domains", max_length=253)]
    bad = [d for d in domains if not DOMAIN_PATTERN.match(d)]
    if bad:
        raise ValidationFailed(f"Not an email domain: {', '.join(bad)} (write acme.com).", field="email_domains")
    return list(dict.fromkeys(domains))


def _clean_country(value) -> str:
    value = (value or "").strip().upper()
    if value and not COUNTRY_PATTERN.match(value):
        raise ValidationFailed("Enter a two-letter ISO country code such as DE or US.", field="country")
    return value


def _clean_company_size(value) -> str:
    value = (value or "").strip()
    if value and value not in CompanySize.values:
        raise ValidationFailed(f"Company size is one of {', '.join(CompanySize.values)}.", field="company_size")
    return value


def _clean_customer_count(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed("Enter a whole number of customers.", field="customer_count") from exc
    if number < 0 or number > 2_147_483_647:
        raise ValidationFailed("Enter a number of customers of 0 or more.", field="customer_count")
    return number


PROFILE_CLEANERS = {
    "legal_name": lambda v: _clean_text(v, field="legal_name", max_length=200),
    "website": _clean_website,
    "email_domains": _clean_domains,
    "country": _clean_country,
    "region": lambda v: _clean_text(v, field="region", max_length=32),
    "regions": lambda v: _clean_list(v, field="regions"),
    "industries": lambda v: _clean_list(v, field="industries"),
    "company_size": _clean_company_size,
    "customer_count": _clean_customer_count,
}


@transaction.atomic
def partner_profile_update(*, actor, partner: PartnerOrganization, **fields) -> PartnerOrganization:
    """A partner admin edits its own organization's profile; staff who manage partners edit any. Only the profile
    fields: status, owner, tier, score and type have their own use cases. Records `partner.profile_updated`."""
    if not policy.can(actor, "partners.edit_profile", partner):
        raise PermissionDenied("You may not change this partner's profile.")
    for field in fields:
        if field not in PROFILE_FIELDS:
            raise ValidationFailed("This is not a profile field.", field=field)
    cleaned = {field: PROFILE_CLEANERS[field](value) for field, value in fields.items()}
    partner = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    changed = sorted(field for field, value in cleaned.items() if getattr(partner, field) != value)
    if not changed:
        return partner
    for field in changed:
        setattr(partner, field, cleaned[field])
    partner.save(update_fields=[*changed, "updated_at"])
    record_event(
        "partner.profile_updated",
        subject=partner,
        payload={"id": partner.pk, "changed": changed, **{field: cleaned[field] for field in changed}},
        actor=actor,
    )
    return partner


# Bulk import --------------------------------------------------------------------------------------------------

# The columns an import file may have ("name" and "partner_type" are required). Lists (email_domains, regions,
# industries) are separated by semicolons. Columns the export adds are read-only and ignored, so an export can
# be edited and imported again.
IMPORT_COLUMNS = ("name", "partner_type", "external_id", "legal_name", "website", "country", "region", *PROFILE_FIELDS)
IMPORT_COLUMNS = tuple(dict.fromkeys(IMPORT_COLUMNS))
IGNORED_EXPORT_COLUMNS = ("id", "status", "tier", "ipp_score", "owner_email", "created_at", "users")
REQUIRED_IMPORT_COLUMNS = ("name", "partner_type")
MAX_IMPORT_ROWS = 10_000
_WRITTEN_FIELDS = tuple(column for column in IMPORT_COLUMNS if column != "external_id")


@dataclasses.dataclass(frozen=True)
class ImportRowError:
    row: int  # the file's row number as a spreadsheet shows it (the header is row 1)
    column: str
    message: str


@dataclasses.dataclass
class ImportPlan:
    to_create: list[PartnerOrganization] = dataclasses.field(default_factory=list)
    to_update: list[PartnerOrganization] = dataclasses.field(default_factory=list)
    errors: list[ImportRowError] = dataclasses.field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.errors


class ImportRejected(ValidationFailed):
    """The file has bad rows: nothing was written. `errors` lists every one."""

    def __init__(self, errors: list[ImportRowError]):
        super().__init__(f"{len(errors)} problem(s) in the file: nothing was imported.", field="file")
        self.errors = errors


def partners_import_check(*, rows: list[dict[str, str]]) -> ImportPlan:
    """Validate every row of an import without writing: each bad cell is reported (row, column, message).

    Rules: name and a known partner type are required; a row whose external_id names an existing partner updates
    it, any other row creates a partner; a name (compared without case) or an external_id may appear once in the
    file, and a new or renamed partner may not take the name of another existing partner."""
    plan = ImportPlan()
    known_types = {key for key, _ in selectors.partner_type_choices()}
    by_external_id, by_name = selectors.partners_by_external_id_or_name()
    seen_names: dict[str, int] = {}
    seen_external_ids: dict[str, int] = {}
    if len(rows) > MAX_IMPORT_ROWS:
        plan.errors.append(ImportRowError(0, "file", f"At most {MAX_IMPORT_ROWS:,} rows per file."))
        return plan
    for index, raw in enumerate(rows):
        line = index + 2
        values, row_errors = {}, []
        cleaners = {
            "name": lambda v: _clean_text(v, field="name", max_length=200, required="Enter the partner's name."),
            "partner_type": lambda v: _clean_text(v, field="partner_type", max_length=32, required="Enter a type."),
            "external_id": lambda v: _clean_text(v, field="external_id", max_length=100),
            **PROFILE_CLEANERS,
        }
        for column in IMPORT_COLUMNS:
            if column not in raw and column not in REQUIRED_IMPORT_COLUMNS:
                continue
            try:
                values[column] = cleaners[column](raw.get(column) or "")
            except ValidationFailed as error:
                row_errors.append(ImportRowError(line, column, error.message))
        if values.get("partner_type") and values["partner_type"] not in known_types:
            row_errors.append(ImportRowError(line, "partner_type", f"Unknown partner type '{values['partner_type']}'."))
        name, external_id = values.get("name", ""), values.get("external_id", "")
        if name:
            key = name.casefold()
            if key in seen_names:
                row_errors.append(ImportRowError(line, "name", f"'{name}' is also on row {seen_names[key]}."))
            seen_names.setdefault(key, line)
        if external_id:
            if external_id in seen_external_ids:
                message = f"external_id '{external_id}' is also on row {seen_external_ids[external_id]}."
                row_errors.append(ImportRowError(line, "external_id", message))
            seen_external_ids.setdefault(external_id, line)
        target = by_external_id.get(external_id) if external_id else None
        namesake = by_name.get(name.casefold()) if name else None
        if namesake is not None and namesake != target:
            hint = "" if external_id else " Give its external_id to update it."
            row_errors.append(ImportRowError(line, "name", f"A partner named '{namesake.name}' exists already.{hint}"))
        if row_errors:
            plan.errors.extend(row_errors)
            continue
        if target is None:
            plan.to_create.append(PartnerOrganization(**values))
        else:
            for column, value in values.items():
                setattr(target, column, value)
            plan.to_update.append(target)
    return plan


@dataclasses.dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


@transaction.atomic
def partners_import(*, actor, rows: list[dict[str, str]]) -> ImportResult:
    """Import partners from CSV rows, all or nothing: the rows are validated again inside the transaction (the
    dry run may be stale), and any bad row means nothing is written (ImportRejected lists every one).

    Set-based: one bulk insert and one bulk update. One `partners.imported` event names the created and updated
    ids (an event per row would enqueue a relay per row); the history records every row."""
    if not policy.can(actor, "partners.import"):
        raise PermissionDenied("You may not import partners.")
    plan = partners_import_check(rows=rows)
    if not plan.is_clean:
        raise ImportRejected(plan.errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            PartnerOrganization.objects.bulk_create(plan.to_create, batch_size=500)
            for partner in plan.to_update:
                partner.updated_at = now
            updated_columns = sorted({column for row in rows for column in row if column in _WRITTEN_FIELDS})
            if plan.to_update and updated_columns:
                PartnerOrganization.objects.bulk_update(
                    plan.to_update, [*updated_columns, "updated_at"], batch_size=500
                )
    except IntegrityError as exc:
        # Another request added a partner with one of these names or external_ids since the check.
        conflict = ImportRowError(0, "file", "Another change took one of these names or external_ids: try again.")
        raise ImportRejected([conflict]) from exc
    record_event(
        "partners.imported",
        subject=current_tenant(),
        payload={
            "created": [partner.pk for partner in plan.to_create],
            "updated": [partner.pk for partner in plan.to_update],
        },
        actor=actor,
    )
    return ImportResult(created=len(plan.to_create), updated=len(plan.to_update))


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
            cleaned[name] = _clean_text(value, field="name", max_length=200, required="Enter the contact's name.")
        elif name == "email":
            email = _clean_text(value, field="email", max_length=254).lower()
            try:
                if email:
                    validate_email(email)
            except DjangoValidationError as exc:
                raise ValidationFailed("Enter a valid email address.", field="email") from exc
            cleaned[name] = email
        elif name == "phone":
            phone = _clean_text(value, field="phone", max_length=40)
            if phone and not PHONE_PATTERN.match(phone):
                raise ValidationFailed("Use digits, spaces and + ( ) - . only.", field="phone")
            cleaned[name] = phone
        elif name == "job_title":
            cleaned[name] = _clean_text(value, field="job_title", max_length=100)
        elif name == "external_id":
            cleaned[name] = _clean_text(value, field="external_id", max_length=100)
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
