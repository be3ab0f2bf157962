"""The vendor's CRM side of deal registration: accounts and opportunities pushed through the API, upserted by their
`external_id`, which conflict detection compares new registrations with (direct-sales conflicts).

A sync call takes up to MAX_SYNC_ROWS rows. Every row is checked before anything is written: one bad row refuses
the whole call with an error naming the row and the field (`rows[3].website`), and nothing changes. The rows are
then written with ONE `INSERT … ON CONFLICT (tenant_id, external_id) DO UPDATE` — the query count does not grow
with the batch. Fields a row leaves out keep their stored value (a new row gets the default). Rows identical to what
is stored are not rewritten (their `updated_at`, which `updated_since` reads, stays). The derived columns — the
registrable `domain` and the conflict `match_keys` — are computed on every write.

One `crm.accounts_synced` / `crm.opportunities_synced` event per call that changed something, with counts.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dealreg import matching
from dealreg.models import CrmAccount, CrmOpportunity
from dealreg.services import cleaning
from prm import policy
from prm.errors import ValidationFailed
from prm.events import record_event
from prm.money import clean_amount, clean_currency
from prm.policy import Actor
from prm.tenancy import current_tenant

MAX_SYNC_ROWS = 1000

# Input fields, in the order they are checked (the first error of a row names its field).
ACCOUNT_FIELDS = ("external_id", "name", "website", "country", "owner_name", "owner_email", "is_customer")
OPPORTUNITY_FIELDS = (
    "external_id",
    "account_external_id",
    "name",
    "customer_name",
    "domain",
    "country",
    "amount",
    "currency",
    "stage",
    "is_closed",
    "is_won",
    "close_date",
    "owner_name",
    "owner_email",
)
# Stored columns written by a sync (besides tenant, timestamps and id).
_ACCOUNT_COLUMNS = {
    "external_id": "text",
    "name": "text",
    "website": "text",
    "domain": "text",
    "country": "text",
    "owner_name": "text",
    "owner_email": "text",
    "is_customer": "boolean",
    "match_keys": "text[]",
}
_OPPORTUNITY_COLUMNS = {
    "external_id": "text",
    "account_id": "bigint",
    "name": "text",
    "customer_name": "text",
    "domain": "text",
    "country": "text",
    "amount": "numeric",
    "currency": "text",
    "stage": "text",
    "is_closed": "boolean",
    "is_won": "boolean",
    "close_date": "date",
    "owner_name": "text",
    "owner_email": "text",
    "match_keys": "text[]",
}
ACCOUNT_DEFAULTS = {
    "name": "",
    "website": "",
    "country": "",
    "owner_name": "",
    "owner_email": "",
    "is_customer": False,
}
OPPORTUNITY_DEFAULTS = {
    "account_external_id": "",
    "name": "",
    "customer_name": "",
    "domain": "",
    "country": "",
    "amount": None,
    "currency": "",
    "stage": "",
    "is_closed": False,
    "is_won": False,
    "close_date": None,
    "owner_name": "",
    "owner_email": "",
}


@dataclass(frozen=True)
class SyncResult:
    """What a sync call did. `ids` and `created` follow the order of the rows sent."""

    ids: list[int]
    created: list[bool]
    created_count: int
    updated_count: int
    unchanged_count: int

    def counts(self) -> dict:
        return {
            "rows": len(self.ids),
            "created": self.created_count,
            "updated": self.updated_count,
            "unchanged": self.unchanged_count,
        }


# -- Reads --------------------------------------------------------------------------------------------------------


def crm_account_queryset():
    """The tenant's CRM accounts (staff only: partners never see CRM data)."""
    return CrmAccount.objects.all()


def crm_opportunity_queryset():
    """The tenant's CRM opportunities, with the external_id of their account (no extra query per row)."""
    return CrmOpportunity.objects.select_related("account")


# -- Checks -------------------------------------------------------------------------------------------------------


class _Row:
    """The cleaners of dealreg.services.cleaning for one row, naming its fields in errors: `rows[3].website` in a
    sync call, `website` for a single object."""

    def __init__(self, index: int | None, rows_field: str | None):
        self.prefix = f"{rows_field}[{index}]." if rows_field and index is not None else ""

    def field(self, name: str) -> str:
        return self.prefix + name

    def fail(self, name: str, message: str):
        raise ValidationFailed(message, field=self.field(name))

    def text(self, value, name: str, *, max_length: int, required: str = "") -> str:
        """`required`: the message for an empty value (none: empty is allowed)."""
        return cleaning.clean_strict_text(value, field=self.field(name), max_length=max_length, required=required)

    def boolean(self, value, name: str) -> bool:
        return cleaning.clean_boolean(value, field=self.field(name))

    def country(self, value, name: str = "country") -> str:
        return cleaning.clean_country(value, field=self.field(name))

    def email(self, value, name: str) -> str:
        return cleaning.clean_email(value, field=self.field(name))

    def domain(self, value, name: str) -> tuple[str, str]:
        """(what was typed, its registrable domain); a value that names no domain is refused."""
        return cleaning.clean_website(value, field=self.field(name))

    def external_id(self, value) -> str:
        return self.text(value, "external_id", max_length=100, required=_("Enter the CRM's id (external_id)."))


def _check_batch(actor: Actor, rows: list[dict], rows_field: str | None) -> None:
    policy.require(actor, "crm.sync")
    if not isinstance(rows, list) or not rows:
        raise ValidationFailed(_("Send at least one row."), field=rows_field)
    if len(rows) > MAX_SYNC_ROWS:
        message = _("At most %(count)s rows per call; send the rest in another call.") % {"count": MAX_SYNC_ROWS}
        raise ValidationFailed(message, field=rows_field)
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        checker = _Row(index, rows_field)
        if not isinstance(row, dict):
            raise ValidationFailed(_("Each row is an object."), field=checker.field("external_id"))
        external_id = checker.external_id(row.get("external_id"))
        if external_id in seen:
            checker.fail(
                "external_id",
                _("The same external_id as row %(row)s: send each record once.") % {"row": seen[external_id]},
            )
        seen[external_id] = index


def _clean_account(row: dict, stored: dict | None, checker: _Row) -> dict:
    """The columns to write for one account row: the stored values (or defaults), overwritten by what the row
    sends, checked, with the derived domain and match keys."""
    values = {**(stored or ACCOUNT_DEFAULTS), **{k: v for k, v in row.items() if k in ACCOUNT_FIELDS}}
    clean = {"external_id": checker.external_id(values["external_id"])}
    clean["name"] = checker.text(values["name"], "name", max_length=255, required=_("Enter the account's name."))
    clean["website"], clean["domain"] = checker.domain(values["website"], "website")
    clean["country"] = checker.country(values["country"])
    clean["owner_name"] = checker.text(values["owner_name"], "owner_name", max_length=200)
    clean["owner_email"] = checker.email(values["owner_email"], "owner_email")
    clean["is_customer"] = checker.boolean(values["is_customer"], "is_customer")
    clean["match_keys"] = matching.match_keys(clean["name"], clean["domain"])
    return clean


def _clean_opportunity(row: dict, stored: dict | None, accounts: dict[str, dict], checker: _Row) -> dict:
    sent = {k: v for k, v in row.items() if k in OPPORTUNITY_FIELDS}
    if "website" in row and "domain" not in sent:
        sent["domain"] = row["website"]  # either name is accepted: CRMs call it one or the other
    values = {**(stored or OPPORTUNITY_DEFAULTS), **sent}
    clean = {"external_id": checker.external_id(values["external_id"])}
    account_external_id = checker.text(values["account_external_id"], "account_external_id", max_length=100)
    account = accounts.get(account_external_id) if account_external_id else None
    if account_external_id and account is None:
        checker.fail(
            "account_external_id",
            _("No CRM account has the external_id “%(external_id)s”.") % {"external_id": account_external_id[:100]},
        )
    clean["account_id"] = account["id"] if account else None
    clean["name"] = checker.text(values["name"], "name", max_length=255, required=_("Enter the opportunity's name."))
    # The customer, its domain and country default to the account's (when the row and the stored row have none).
    customer_name = checker.text(values["customer_name"], "customer_name", max_length=255)
    if not customer_name and account:
        customer_name = account["name"]
    if not customer_name:
        checker.fail("customer_name", _("Enter the customer's name, or the account_external_id of its account."))
    clean["customer_name"] = customer_name
    domain_field = "website" if "website" in row and "domain" not in row else "domain"
    _typed, domain = checker.domain(values["domain"], domain_field)
    clean["domain"] = domain or (account["domain"] if account else "")
    clean["country"] = checker.country(values["country"]) or (account["country"] if account else "")
    amount = values["amount"]
    clean["amount"] = (
        None
        if amount is None or amount == ""
        else clean_amount(amount, field=checker.field("amount"), positive=False, label=_("The amount"))
    )
    currency = values["currency"]
    if clean["amount"] is not None or currency:
        clean["currency"] = clean_currency(currency, field=checker.field("currency"))
    else:
        clean["currency"] = ""
    clean["stage"] = checker.text(values["stage"], "stage", max_length=64)
    clean["is_won"] = checker.boolean(values["is_won"], "is_won")
    clean["is_closed"] = checker.boolean(values["is_closed"], "is_closed") or clean["is_won"]  # won is closed
    close_date = values["close_date"]
    clean["close_date"] = (
        None if close_date in (None, "") else cleaning.clean_date(close_date, field=checker.field("close_date"))
    )
    clean["owner_name"] = checker.text(values["owner_name"], "owner_name", max_length=200)
    clean["owner_email"] = checker.email(values["owner_email"], "owner_email")
    clean["match_keys"] = matching.match_keys(clean["customer_name"], clean["domain"])
    return clean


# -- Writes -------------------------------------------------------------------------------------------------------


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _upsert(table: str, columns: dict[str, str], rows: list[dict]) -> dict[str, tuple[int, bool]]:
    """ONE statement: INSERT the rows, or UPDATE the stored row with the same (tenant, external_id) when anything
    differs. Returns {external_id: (id, created)} for the rows written (unchanged rows are not)."""
    names = list(columns)
    record = ", ".join(f"{name} {kind}" for name, kind in columns.items())
    column_list = ", ".join(names)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in names if name != "external_id")
    stored = ", ".join(f"t.{name}" for name in names if name != "external_id")
    excluded = ", ".join(f"EXCLUDED.{name}" for name in names if name != "external_id")
    # Identifiers come from the constants above, never from input; the data is one JSON parameter.
    statement = f"""
        INSERT INTO {table} AS t (tenant_id, {column_list}, created_at, updated_at)
        SELECT %(tenant)s, {column_list}, %(now)s, %(now)s
        FROM jsonb_to_recordset(%(rows)s::jsonb) AS r({record})
        ON CONFLICT (tenant_id, external_id) DO UPDATE SET {updates}, updated_at = EXCLUDED.updated_at
        WHERE ({stored}) IS DISTINCT FROM ({excluded})
        RETURNING t.external_id, t.id, (t.xmax = 0)
    """  # noqa: S608
    payload = json.dumps([{name: row[name] for name in names} for row in rows], default=_json_default)
    with connection.cursor() as cursor:
        cursor.execute(statement, {"tenant": current_tenant().pk, "now": timezone.now(), "rows": payload})
        return {external_id: (pk, created) for external_id, pk, created in cursor.fetchall()}


def _result(rows: list[dict], stored: dict[str, dict], written: dict[str, tuple[int, bool]]) -> SyncResult:
    ids, created = [], []
    for row in rows:
        pk, is_new = written.get(row["external_id"], (stored.get(row["external_id"], {}).get("id"), False))
        ids.append(pk)
        created.append(is_new)
    created_count = sum(1 for _, is_new in written.values() if is_new)
    updated_count = len(written) - created_count
    return SyncResult(ids, created, created_count, updated_count, len(rows) - len(written))


def _stored_rows(model, external_ids: list[str], fields: tuple[str, ...]) -> dict[str, dict]:
    rows = model.objects.filter(external_id__in=external_ids).values("id", *fields)
    return {row["external_id"]: row for row in rows}


@transaction.atomic
def crm_accounts_sync(*, actor: Actor, rows: list[dict], rows_field: str | None = "rows") -> SyncResult:
    """Tenant admins (and tenant API keys with the crm scope) push up to 1,000 CRM accounts; each is created, or
    updated when an account with its external_id exists. All rows are checked first: one bad row refuses the call
    (error naming `rows[i].field`) and nothing is written. A constant number of queries whatever the batch size."""
    _check_batch(actor, rows, rows_field)
    external_ids = [row["external_id"].strip() for row in rows]
    stored = _stored_rows(CrmAccount, external_ids, ACCOUNT_FIELDS)
    clean = [
        _clean_account(row, stored.get(external_id), _Row(index, rows_field))
        for index, (row, external_id) in enumerate(zip(rows, external_ids, strict=True))
    ]
    written = _upsert(CrmAccount._meta.db_table, _ACCOUNT_COLUMNS, clean)
    result = _result(clean, stored, written)
    if written:
        record_event("crm.accounts_synced", subject=current_tenant(), payload=result.counts(), actor=actor)
    return result


def _accounts_named(external_ids) -> dict[str, dict]:
    wanted = {value.strip() for value in external_ids if isinstance(value, str) and value.strip()}
    if not wanted:
        return {}
    accounts = CrmAccount.objects.filter(external_id__in=wanted).values(
        "id", "external_id", "name", "domain", "country"
    )
    return {account["external_id"]: account for account in accounts}


def _stored_opportunities(external_ids: list[str]) -> dict[str, dict]:
    fields = tuple(field for field in OPPORTUNITY_FIELDS if field != "account_external_id")
    rows = CrmOpportunity.objects.filter(external_id__in=external_ids).values(
        "id", *fields, account_external_id=Coalesce(F("account__external_id"), Value(""))
    )
    return {row["external_id"]: row for row in rows}


@transaction.atomic
def crm_opportunities_sync(*, actor: Actor, rows: list[dict], rows_field: str | None = "rows") -> SyncResult:
    """Tenant admins (and tenant API keys with the crm scope) push up to 1,000 CRM opportunities, upserted by
    external_id like accounts. `account_external_id` names the account (which must exist); the customer's name,
    domain and country default to the account's. A won opportunity is closed; closed ones are no conflict."""
    _check_batch(actor, rows, rows_field)
    external_ids = [row["external_id"].strip() for row in rows]
    stored = _stored_opportunities(external_ids)
    accounts = _accounts_named(
        row["account_external_id"]
        if "account_external_id" in row
        else stored.get(external_id, {}).get("account_external_id")
        for row, external_id in zip(rows, external_ids, strict=True)
    )
    clean = [
        _clean_opportunity(row, stored.get(external_id), accounts, _Row(index, rows_field))
        for index, (row, external_id) in enumerate(zip(rows, external_ids, strict=True))
    ]
    written = _upsert(CrmOpportunity._meta.db_table, _OPPORTUNITY_COLUMNS, clean)
    result = _result(clean, stored, written)
    if written:
        record_event("crm.opportunities_synced", subject=current_tenant(), payload=result.counts(), actor=actor)
    return result


def _save_one(instance, clean: dict, checker: _Row) -> bool:
    changed = [name for name, value in clean.items() if getattr(instance, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(instance, name, clean[name])
    try:
        with transaction.atomic():
            instance.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as error:
        if "external_id" in str(error):
            checker.fail("external_id", _("Another record has this external_id."))
        raise
    return True


@transaction.atomic
def crm_account_update(*, actor: Actor, account: CrmAccount, **fields) -> CrmAccount:
    """Change one CRM account (by id); fields left out keep their value. The same checks as a sync."""
    policy.require(actor, "crm.sync", account)
    account = CrmAccount.objects.select_for_update().get(pk=account.pk)
    checker = _Row(None, None)
    stored = {field: getattr(account, field) for field in ACCOUNT_FIELDS}
    if _save_one(account, _clean_account(fields, stored, checker), checker):
        payload = {"rows": 1, "created": 0, "updated": 1, "unchanged": 0}
        record_event("crm.accounts_synced", subject=current_tenant(), payload=payload, actor=actor)
    return account


@transaction.atomic
def crm_opportunity_update(*, actor: Actor, opportunity: CrmOpportunity, **fields) -> CrmOpportunity:
    """Change one CRM opportunity (by id); fields left out keep their value. The same checks as a sync."""
    policy.require(actor, "crm.sync", opportunity)
    opportunity = (
        CrmOpportunity.objects.select_for_update(of=("self",)).select_related("account").get(pk=opportunity.pk)
    )
    checker = _Row(None, None)
    stored = {field: getattr(opportunity, field) for field in OPPORTUNITY_FIELDS if field != "account_external_id"}
    stored["account_external_id"] = opportunity.account.external_id if opportunity.account else ""
    accounts = _accounts_named([fields.get("account_external_id", stored["account_external_id"])])
    clean = _clean_opportunity(fields, stored, accounts, checker)
    if _save_one(opportunity, clean, checker):
        payload = {"rows": 1, "created": 0, "updated": 1, "unchanged": 0}
        record_event("crm.opportunities_synced", subject=current_tenant(), payload=payload, actor=actor)
    return opportunity
