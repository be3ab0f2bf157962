"""The synthetic program of the deal registration bench: customers typed as people type them, registrations, CRM
accounts and opportunities, written with COPY at any scale (see bench/dealreg/__init__.py for what the data is like).

Rows are written with PostgreSQL COPY into a temporary table (COPY is refused on tables under row-level security)
and one INSERT … SELECT per chunk into the real table, inside the tenant's context. Match keys are computed in
Python, as the services do. The registrations' history trigger is skipped: the bench writes no history.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, timedelta

SEED = 20250101
CHUNK = 50_000


# -- Customers ---------------------------------------------------------------------------------------------------

_FIRST = (
    "zen vel ar cor tri nex lum quan sol ver kin or tel mar bri cal dyn ev fin gal hel in jet kai lex mon nov om "
    "pax qui rho syn tor ul vis wy xen yar zor al bel cyr del ent fal gen hal ion jun kor lyr mer nor opt pol rad "
    "sen tav uni vor ab cam dex ful gor hex iv jor kel lin mag neb ost pry rex sty tek ux vel wex zy"
).split()
_MIDDLE = "a e i o u ar er ix on an el or".split()
_LAST = (
    "trix ora ium ex is ia on ent ara ico ova ity yx ix um eon ax io era ant ios ada ela uma ano eda ust ire"
).split()
INDUSTRIES = (
    "Logistics Health Bank Insurance Foods Energy Pharma Motors Airlines Retail Media Robotics Analytics Labs "
    "Security Telecom Capital Software Systems Solutions Group Holdings Partners Consulting Manufacturing "
    "Construction Realty Hotels Clinic Dental Legal Apparel Farms Chemicals Metals Mining Textiles Shipping "
    "Aerospace Biotech Semiconductors Networks Studios Games Education Academy Hospital Medical Pharmacy Transport "
    "Freight Marine Solar Wind Water Utilities Brewing Coffee Bakery Dynamics Instruments Electric Packaging"
).split()
PLACES = [
    "Pacific", "Atlantic", "Northern", "Southern", "Eastern", "Western", "Midwest", "Global", "United", "American",
    "First", "National", "Metro", "Coastal", "Summit", "Pioneer", "Liberty", "Heritage", "Golden", "Silver",
    "Blue Ridge", "Red River", "Lakeside", "Riverside", "Mountain", "Valley", "Harbor", "Bay Area", "Texas",
    "California", "Bavarian", "Nordic", "Alpine", "Iberian", "Baltic", "Highland", "Oak", "Cedar", "Pine", "Maple",
    "Evergreen", "Sunrise", "Horizon", "Keystone", "Capitol", "Empire", "Central", "Continental", "Royal", "Crown",
    "North Star", "Northwind", "Silverline", "Bluewater", "Greenfield", "Redwood", "Ironwood", "Stonebridge",
]  # fmt: skip
# country: (weight, legal forms (the empty one: none typed), website suffixes, currency)
COUNTRIES = {
    "US": (30, ["Inc", "Inc.", "LLC", "Corp", "Corporation", "Co.", ""], [".com", ".com", ".io", ".net", ".co"], "USD"),
    "GB": (10, ["Ltd", "Limited", "PLC", "LLP", ""], [".co.uk", ".com"], "GBP"),
    "DE": (10, ["GmbH", "AG", "GmbH & Co. KG", "KG", ""], [".de", ".com"], "EUR"),
    "FR": (6, ["SA", "SAS", "SARL", ""], [".fr", ".com"], "EUR"),
    "NL": (4, ["B.V.", "N.V.", ""], [".nl"], "EUR"),
    "ES": (4, ["S.L.", "S.A.", ""], [".es", ".com"], "EUR"),
    "IT": (4, ["S.p.A.", "S.r.l.", ""], [".it"], "EUR"),
    "AU": (5, ["Pty Ltd", "Pty. Ltd.", ""], [".com.au"], "AUD"),
    "JP": (5, ["K.K.", "Co., Ltd.", ""], [".co.jp", ".jp"], "JPY"),
    "BR": (4, ["Ltda", "S.A.", ""], [".com.br"], "BRL"),
    "CA": (5, ["Inc", "Ltd", ""], [".ca", ".com"], "CAD"),
    "IN": (5, ["Pvt Ltd", "Private Limited", ""], [".in", ".co.in"], "INR"),
    "SE": (3, ["AB", ""], [".se"], "SEK"),
}  # fmt: skip
_COUNTRY_CODES = list(COUNTRIES)
_COUNTRY_WEIGHTS = [COUNTRIES[c][0] for c in _COUNTRY_CODES]
WEBMAIL = ["gmail.com", "outlook.com", "yahoo.com", "hotmail.co.uk", "gmx.de"]
FIRST_NAMES = "jane john anna paul maria li omar sara tom eva raj kim".split()

_faker_names: list[str] = []
_surnames: list[str] = []


def _vocabulary() -> None:
    """Faker's company names (seven locales) and surnames, generated once per process with a fixed seed."""
    if _faker_names:
        return
    import faker

    fake = faker.Faker(["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_GB"])
    fake.seed_instance(SEED)
    _faker_names.extend(dict.fromkeys(fake.company() for _ in range(10_000)))
    _surnames.extend(dict.fromkeys(fake.last_name() for _ in range(6_000)))


def _brand(rng: random.Random) -> str:
    word = rng.choice(_FIRST) + (rng.choice(_MIDDLE) if rng.random() < 0.3 else "") + rng.choice(_LAST)
    return word.capitalize()


_customers: dict[int, dict] = {}
_keys: dict[tuple[str, str], list[str]] = {}


def customer(index: int) -> dict:
    """Customer number `index`, always the same: {"name" (as registered: with a legal form), "base" (without),
    "country", "domain" ("" when it has no website)}. Cached: registrations come back to the same customers."""
    found = _customers.get(index)
    if found is None:
        found = _customers[index] = _make_customer(index)
    return found


def keys_of(name: str, domain: str) -> list[str]:
    """dealreg.matching.match_keys, remembered for the whole run (most registrations type a name seen before)."""
    from dealreg.matching import match_keys

    found = _keys.get((name, domain))
    if found is None:
        found = _keys[(name, domain)] = match_keys(name, domain)
    return found


def domain_of(website: str, c: dict) -> str:
    """The registrable domain of what was typed for customer `c` (its own domain, typed as a URL, a bare domain or
    an email address, or a webmail domain)."""
    from prm.domains import registrable_domain

    if not website:
        return ""
    if not c["domain"]:  # typed_website gives a webmail address to customers without a website
        return registrable_domain(website)
    if "registrable" not in c:
        c["registrable"] = registrable_domain(c["domain"])
    return c["registrable"]


def _make_customer(index: int) -> dict:
    _vocabulary()
    rng = random.Random(SEED * 7 + index)
    country = rng.choices(_COUNTRY_CODES, _COUNTRY_WEIGHTS)[0]
    _weight, forms, suffixes, _currency = COUNTRIES[country]
    kind = rng.random()
    if kind < 0.30:
        base = _brand(rng) + (f" {rng.choice(INDUSTRIES)}" if rng.random() < 0.5 else "")
    elif kind < 0.50:
        surname = rng.choice(_surnames)
        style = rng.random()
        if style < 0.3:
            base = f"{surname} & {rng.choice(_surnames)}"
        elif style < 0.8:
            base = f"{surname} {rng.choice(INDUSTRIES)}"
        else:
            base = surname
    elif kind < 0.70:
        base = f"{rng.choice(PLACES)} {rng.choice(INDUSTRIES)}"
        if rng.random() < 0.3:
            base = f"{base} {rng.choice(INDUSTRIES)}"
    elif kind < 0.80:
        base = f"{_brand(rng)} {rng.choice(PLACES)}"
    else:
        base = rng.choice(_faker_names)
        forms = [""]  # Faker's names carry their own legal form
    form = rng.choice(forms)
    name = f"{base} {form}" if form else base
    domain = ""
    if rng.random() < 0.85:
        slug = "".join(ch for ch in base.lower().split(" ")[0] if ch.isascii() and ch.isalnum()) or "x"
        if rng.random() < 0.5 and " " in base:
            second = "".join(ch for ch in base.lower().split(" ")[1] if ch.isascii() and ch.isalnum())
            slug += ("-" if rng.random() < 0.3 else "") + second
        domain = f"{slug}{rng.choice(suffixes)}"
    return {"name": name, "base": base, "country": country, "domain": domain}


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word, at = words[i], rng.randrange(1, len(words[i]) - 1)
    change = rng.random()
    if change < 0.4:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]  # swapped letters
    elif change < 0.7:
        word = word[:at] + word[at + 1 :]  # a letter missing
    else:
        word = word[:at] + word[at] + word[at:]  # a letter twice
    words[i] = word
    return " ".join(words)


def typed_name(rng: random.Random, c: dict) -> str:
    """The customer's name as a partner types it."""
    roll = rng.random()
    if roll < 0.55:
        name = c["name"]
    elif roll < 0.70:  # another legal form, or none
        name = f"{c['base']} {rng.choice(COUNTRIES[c['country']][1])}".strip()
    elif roll < 0.80:
        name = c["name"].upper() if rng.random() < 0.5 else c["name"].lower()
    elif roll < 0.90:
        name = c["name"].replace("&", "and") if "&" in c["name"] else f"The {c['name']}"
    else:
        name = _typo(rng, c["name"])
    return name


def typed_website(rng: random.Random, c: dict) -> str:
    """The customer's website as a partner types it: a URL, a domain, a contact's email address, or nothing."""
    if not c["domain"]:
        return rng.choice(WEBMAIL) if rng.random() < 0.2 else ""
    roll = rng.random()
    if roll < 0.45:
        return f"https://www.{c['domain']}/" + ("contact" if rng.random() < 0.2 else "")
    if roll < 0.65:
        return c["domain"]
    if roll < 0.85:
        return f"{rng.choice(FIRST_NAMES)}@{c['domain']}"
    return ""


def universe_size(registrations: int) -> int:
    """Distinct customers registrations are drawn from (each is registered ~3 times on average)."""
    return max(1_000, registrations * 35 // 100)


def pick_customer(rng: random.Random, universe: int) -> int:
    return int(universe * rng.random() ** 2)  # skewed: low indices come up again and again


# -- Writing -----------------------------------------------------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):
        inner = ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
        value = "{" + inner + "}"
    elif isinstance(value, datetime | date):
        value = value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Write `rows` (tuples in the order of `columns`) into `model`'s table for the current tenant: COPY into a
    temporary table, then one INSERT … SELECT that adds the tenant and the model's defaults for other columns."""
    from django.db import connection
    from django.utils import timezone

    from prm.tenancy import current_tenant

    fields = {field.column: field for field in model._meta.concrete_fields}
    now = timezone.now()
    constants, params = [], []
    for column, field in fields.items():
        if column in columns or column == "id":
            continue
        if column == "tenant_id":
            value = current_tenant().pk
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() or not field.null:
            # Django's default, or "" for a text column without one (what the ORM would write).
            value = field.get_db_prep_save(field.get_default(), connection)
            if value is None:
                raise ValueError(f"{model.__name__}.{column} needs a value")
        else:
            continue
        constants.append((column, field.db_type(connection)))
        params.append(value)
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(v) for v in row) + "\n")
    buffer.seek(0)
    temp = f"bench_{model._meta.db_table}"
    definition = ", ".join(f"{c} {fields[c].db_type(connection)}" for c in columns)
    target = ", ".join([*columns, *(c for c, _ in constants)])
    select = ", ".join([*columns, *(f"%s::{kind}" for _, kind in constants)])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} ({definition}) ON COMMIT DROP")
        cursor.copy_expert(f"COPY {temp} ({', '.join(columns)}) FROM STDIN", buffer)
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({target}) SELECT {select} FROM {temp}", params)  # noqa: S608
        cursor.execute(f"DROP TABLE {temp}")


def _chunks(total: int, first: int = 0, size: int = CHUNK):
    for start in range(first, total, size):
        yield start, min(total, start + size)


# Statuses of registrations as a program's history spreads them (20% active).
STATUSES = [
    ("draft", 3), ("submitted", 4), ("under_review", 3), ("info_requested", 1), ("approved", 12),
    ("rejected", 10), ("won", 25), ("lost", 20), ("expired", 17), ("withdrawn", 5),
]  # fmt: skip
_STATUS_NAMES = [s for s, _ in STATUSES]
_STATUS_WEIGHTS = [w for _, w in STATUSES]


def generate_registrations(tenant, count: int, partner_ids: list[int]) -> int:
    """Top the tenant up to `count` registrations; returns how many were written."""
    import pgtrigger

    from dealreg.models import DealRegistration
    from prm.progress import Progress
    from prm.tenancy import tenant_context

    with tenant_context(tenant):
        existing = DealRegistration.objects.count()
    if existing >= count:
        return 0
    universe = universe_size(count)
    columns = [
        "partner_organization_id", "status", "customer_name", "customer_website", "customer_domain",
        "customer_country", "title", "amount", "currency", "expected_close_date", "match_keys", "submitted_at",
        "approved_at", "protected_until", "created_at",
    ]  # fmt: skip
    today = date.today()
    progress = Progress(count - existing, "deal registrations")
    for start, end in _chunks(count, existing):
        rng = random.Random(SEED * 13 + start)
        rows = []
        for _n in range(start, end):
            c = customer(pick_customer(rng, universe))
            name, website = typed_name(rng, c), typed_website(rng, c)
            domain = domain_of(website, c)
            status = rng.choices(_STATUS_NAMES, _STATUS_WEIGHTS)[0]
            created = datetime.now(UTC) - timedelta(days=rng.randrange(0, 4 * 365), seconds=rng.randrange(86400))
            submitted = None if status == "draft" else created + timedelta(hours=1)
            approved = created + timedelta(days=2) if status in ("approved", "won", "lost", "expired") else None
            protected = (approved.date() + timedelta(days=90)) if approved else None
            if status == "approved":
                protected = today + timedelta(days=rng.randrange(1, 90))
            rows.append(
                (
                    partner_ids[rng.randrange(len(partner_ids))], status, name, website, domain, c["country"],
                    f"{c['base']} — {rng.choice(['renewal', 'expansion', 'new seats', 'migration'])}",
                    f"{rng.randrange(5, 500) * 1000}.00", COUNTRIES[c["country"]][3],
                    today + timedelta(days=rng.randrange(10, 365)), keys_of(name, domain), submitted, approved,
                    protected, created,
                )
            )  # fmt: skip
        with tenant_context(tenant), pgtrigger.ignore("dealreg.DealRegistration:insert_insert"):
            copy_rows(DealRegistration, columns, rows)
        progress.advance(end - start)
    return count - existing


def crm_customer(index: int, universe: int) -> dict:
    """CRM account number `index`: half are customers partners register too, half only the vendor knows."""
    rng = random.Random(SEED * 17 + index)
    if rng.random() < 0.5:
        return customer(pick_customer(rng, universe))
    return customer(universe + index)


def generate_crm_accounts(tenant, count: int, universe: int) -> int:
    from dealreg.models import CrmAccount
    from prm.progress import Progress
    from prm.tenancy import tenant_context

    with tenant_context(tenant):
        existing = CrmAccount.objects.count()
    if existing >= count:
        return 0
    columns = ["external_id", "name", "website", "domain", "country", "owner_name", "is_customer", "match_keys"]
    progress = Progress(count - existing, "CRM accounts")
    for start, end in _chunks(count, existing):
        rows = []
        rng = random.Random(SEED * 19 + start)
        for k in range(start, end):
            c = crm_customer(k, universe)
            website = f"https://www.{c['domain']}" if c["domain"] else ""
            domain = domain_of(website, c)
            owner = f"{rng.choice(FIRST_NAMES).title()} {rng.choice(_surnames)}"
            rows.append(
                (f"001{k:09d}", c["name"], website, domain, c["country"], owner, rng.random() < 0.4,
                 keys_of(c["name"], domain))
            )  # fmt: skip
        with tenant_context(tenant):
            copy_rows(CrmAccount, columns, rows)
        progress.advance(end - start)
    return count - existing


def generate_crm_opportunities(tenant, count: int, accounts: int, universe: int) -> int:
    from dealreg.models import CrmAccount, CrmOpportunity
    from prm.progress import Progress
    from prm.tenancy import tenant_context

    with tenant_context(tenant):
        existing = CrmOpportunity.objects.count()
        if existing >= count or not accounts:
            return 0
        account_ids = dict(CrmAccount.objects.values_list("external_id", "id"))
    columns = [
        "external_id", "account_id", "name", "customer_name", "domain", "country", "amount", "currency", "stage",
        "is_closed", "is_won", "close_date", "match_keys",
    ]  # fmt: skip
    today = date.today()
    progress = Progress(count - existing, "CRM opportunities")
    for start, end in _chunks(count, existing):
        rows = []
        rng = random.Random(SEED * 23 + start)
        for m in range(start, end):
            k = rng.randrange(accounts)
            c = crm_customer(k, universe)
            closed = rng.random() < 0.75
            domain = domain_of(c["domain"], c)
            rows.append(
                (f"006{m:09d}", account_ids.get(f"001{k:09d}"), f"{c['base']} FY{rng.randrange(20, 27)}",
                 c["name"], domain, c["country"], f"{rng.randrange(10, 900) * 1000}.00", COUNTRIES[c["country"]][3],
                 "Closed" if closed else rng.choice(["Prospecting", "Proposal", "Negotiation"]), closed,
                 closed and rng.random() < 0.5, today + timedelta(days=rng.randrange(-700, 300)),
                 keys_of(c["name"], domain))
            )  # fmt: skip
        with tenant_context(tenant):
            copy_rows(CrmOpportunity, columns, rows)
        progress.advance(end - start)
    return count - existing


def vacuum_analyze() -> None:
    """What autovacuum gives a real database after a bulk load: statistics, and the GIN pending lists merged into
    the indexes (a check would otherwise scan the pending list). Needs the tables' owner."""
    from django.db import connection

    from prm.db.base import owner_mode

    with owner_mode(connection), connection.cursor() as cursor:
        # dealreg_matchkey too: filled by triggers, and without statistics the planner takes the key lookup for one
        # row and walks (tenant, source, record_id) instead of the key's index (~120 ms a query at 100,000).
        for table in ("dealreg_dealregistration", "dealreg_crmaccount", "dealreg_crmopportunity", "dealreg_matchkey"):
            cursor.execute(f"VACUUM ANALYZE {table}")
