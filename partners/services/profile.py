"""What a partner says about itself (profile) and bulk import of partners from CSV, with a dry run."""

import dataclasses

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners import selectors
from partners.models import PartnerOrganization
from partners.services.cleaning import PROFILE_CLEANERS
from prm import policy
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.events import record_event
from prm.policy import Actor
from prm.tenancy import current_tenant

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
# What a complete company profile has (the "complete the company profile" onboarding step waits for it): who the
# company legally is, where to find it and its people, where it sells, to whom, and how big it is. The customer
# count and the home region stay optional (many partners will not say). Lists must have an entry.
PROFILE_COMPLETE_FIELDS = (
    "legal_name",
    "website",
    "email_domains",
    "country",
    "regions",
    "industries",
    "company_size",
)
PROFILE_COMPLETED_EVENT = "partner.profile_completed"


def profile_missing_fields(partner: PartnerOrganization) -> list[str]:
    """The fields of PROFILE_COMPLETE_FIELDS the partner has not filled in yet (empty list: complete)."""
    return [field for field in PROFILE_COMPLETE_FIELDS if getattr(partner, field) in (None, "", [], {})]


def profile_is_complete(partner: PartnerOrganization) -> bool:
    return not profile_missing_fields(partner)


def _record_profile_completed_once(*, actor: Actor, partner: PartnerOrganization) -> None:
    """`partner.profile_completed`, the first time the profile is complete: once per partner, ever (an event
    already recorded for it means a later edit that keeps the profile complete, or completes it again after a
    field was emptied, records nothing)."""
    if not profile_is_complete(partner):
        return
    from prm.models import Event

    already = Event.objects.filter(
        type=PROFILE_COMPLETED_EVENT, subject_type=partner._meta.model_name, subject_id=str(partner.pk)
    ).exists()
    if already:
        return
    payload = {
        "id": partner.pk,
        "partner_organization_id": partner.pk,
        "fields": list(PROFILE_COMPLETE_FIELDS),
    }
    record_event(PROFILE_COMPLETED_EVENT, subject=partner, payload=payload, actor=actor)


@transaction.atomic
def partner_profile_update(*, actor: Actor, partner: PartnerOrganization, **fields) -> PartnerOrganization:
    """A partner admin edits its own organization's profile; staff who manage partners edit any. Only the profile
    fields: status, owner, tier, score and type have their own use cases. Records `partner.profile_updated`."""
    policy.require(actor, "partners.edit_profile", partner)
    for field in fields:
        if field not in PROFILE_FIELDS:
            raise ValidationFailed(_("This is not a profile field."), field=field)
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
    _record_profile_completed_once(actor=actor, partner=partner)
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
        message = ngettext(
            "%(count)s problem in the file: nothing was imported.",
            "%(count)s problems in the file: nothing was imported.",
            len(errors),
        ) % {"count": len(errors)}
        super().__init__(message, field="file")
        self.errors = errors


def partners_import_check(*, rows: list[dict[str, str]]) -> ImportPlan:
    """Validate every row of an import without writing: each bad cell is reported (row, column, message).

    Rules: name and a known partner type are required; a row whose external_id names an existing partner updates
    it, any other row creates a partner; a name (compared without case) or an external_id may appear once in the
    file, and a new or renamed partner may not take the name of another existing partner."""
    plan = ImportPlan()
    known_types = {key for key, _label in selectors.partner_type_choices()}
    by_external_id, by_name = selectors.partners_by_external_id_or_name()
    seen_names: dict[str, int] = {}
    seen_external_ids: dict[str, int] = {}
    if len(rows) > MAX_IMPORT_ROWS:
        message = _("At most %(limit)s rows per file.") % {"limit": number_format(MAX_IMPORT_ROWS, force_grouping=True)}
        plan.errors.append(ImportRowError(0, "file", message))
        return plan
    for index, raw in enumerate(rows):
        line = index + 2
        values, row_errors = {}, []
        cleaners = {
            "name": lambda v: clean_text(v, field="name", max_length=200, required=_("Enter the partner's name.")),
            "partner_type": lambda v: clean_text(v, field="partner_type", max_length=32, required=_("Enter a type.")),
            "external_id": lambda v: clean_text(v, field="external_id", max_length=100),
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
            message = _("Unknown partner type '%(type)s'.") % {"type": values["partner_type"]}
            row_errors.append(ImportRowError(line, "partner_type", message))
        name, external_id = values.get("name", ""), values.get("external_id", "")
        if name:
            key = name.casefold()
            if key in seen_names:
                message = _("'%(name)s' is also on row %(row)s.") % {"name": name, "row": seen_names[key]}
                row_errors.append(ImportRowError(line, "name", message))
            seen_names.setdefault(key, line)
        if external_id:
            if external_id in seen_external_ids:
                message = _("external_id '%(external_id)s' is also on row %(row)s.") % {
                    "external_id": external_id,
                    "row": seen_external_ids[external_id],
                }
                row_errors.append(ImportRowError(line, "external_id", message))
            seen_external_ids.setdefault(external_id, line)
        target = by_external_id.get(external_id) if external_id else None
        namesake = by_name.get(name.casefold()) if name else None
        if namesake is not None and namesake != target:
            if external_id:
                message = _("A partner named '%(name)s' exists already.") % {"name": namesake.name}
            else:
                message = _("A partner named '%(name)s' exists already. Give its external_id to update it.") % {
                    "name": namesake.name
                }
            row_errors.append(ImportRowError(line, "name", message))
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
def partners_import(*, actor: Actor, rows: list[dict[str, str]]) -> ImportResult:
    """Import partners from CSV rows, all or nothing: the rows are validated again inside the transaction (the
    dry run may be stale), and any bad row means nothing is written (ImportRejected lists every one).

    Set-based: one bulk insert and one bulk update. One `partners.imported` event names the created and updated
    ids (an event per row would enqueue a relay per row); the history records every row."""
    policy.require(actor, "partners.import")
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
        conflict = ImportRowError(0, "file", _("Another change took one of these names or external_ids: try again."))
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
