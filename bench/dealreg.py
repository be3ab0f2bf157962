"""Deal registration at scale: conflict check latency over a synthetic program, and (when the lifecycle's submit
endpoint exists) submit throughput through the API.

`python -m bench.dealreg` builds (or tops up) the bench tenant to 10,000 partners, 1,000,000 registrations,
200,000 CRM accounts and 100,000 CRM opportunities, then measures `dealreg.selectors.conflicts.find_conflicts`
in-process over a few hundred realistic checks. `--registrations 100000` (etc.) tries it quickly. Prints one JSON
document and saves it under bench/results/; `make bench` runs the same part through bench/run.py.

The data. Customers are generated deterministically from their index (brand names made of syllables, surnames,
place + industry names like "Pacific Logistics", and Faker's company names in seven locales), each with a country,
a legal form of that country and usually a website under that country's suffix. Registrations pick customers with
a skew (some are registered again and again), type them as people do — another legal form or none, case, "&" for
"and", a typo, a website as a URL, a bare domain, an email address or nothing — and have a status spread like a
program's history: 20% active (submitted, under review, information requested, approved), the rest draft, won,
lost, expired, rejected or withdrawn. Half of the CRM accounts are customers partners also register; a quarter of
the CRM opportunities are open.

Rows are written with PostgreSQL COPY into a temporary table (COPY is refused on tables under row-level security)
and one INSERT … SELECT per chunk into the real table, inside the tenant's context. Match keys are computed in
Python, as the services do. The registrations' history trigger is skipped: the bench writes no history.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
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
        for table in ("dealreg_dealregistration", "dealreg_crmaccount", "dealreg_crmopportunity"):
            cursor.execute(f"VACUUM ANALYZE {table}")


# -- Measuring ---------------------------------------------------------------------------------------------------


def conflict_queries(count: int, registrations: int, crm_accounts: int) -> list[dict]:
    """Realistic checks: 45% customers partners registered (typed another way), 15% customers only the CRM knows,
    40% customers nobody has seen (which may still share words or names with others)."""
    rng = random.Random(SEED * 29)
    universe = universe_size(registrations)
    queries = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.45:
            kind, c = "registered", customer(pick_customer(rng, universe))
        elif roll < 0.60 and crm_accounts:
            kind, c = "crm", crm_customer(rng.randrange(crm_accounts), universe)
        else:
            kind, c = "new", customer(10_000_000 + i)
        website = typed_website(rng, c)
        queries.append(
            {"kind": kind, "customer_name": typed_name(rng, c), "customer_domain": website, "country": c["country"]}
        )
    return queries


def _percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def measure_conflict_checks(tenant, queries: list[dict]) -> dict:
    """find_conflicts in-process, each check in its own tenant transaction (as a request runs): latency, queries
    per check, and how many checks found a conflict."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dealreg.selectors.conflicts import find_conflicts
    from prm.tenancy import tenant_context

    def check(query):
        return find_conflicts(
            customer_name=query["customer_name"],
            customer_domain=query["customer_domain"],
            customer_country=query["country"],
        )

    with tenant_context(tenant):
        for query in queries[:20]:  # warm-up: imports, caches, first plans
            check(query)
    timings, found_by_kind = [], {}
    for query in queries:
        with tenant_context(tenant):
            started = time.perf_counter()
            found = check(query)
            timings.append((time.perf_counter() - started) * 1000)
        hits, total = found_by_kind.get(query["kind"], (0, 0))
        found_by_kind[query["kind"]] = (hits + bool(found), total + 1)
    query_counts = set()
    for query in queries[:50]:
        with tenant_context(tenant), CaptureQueriesContext(connection) as captured:
            check(query)
        query_counts.add(len(captured))
    timings.sort()
    return {
        "checks": len(queries),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
        "p99_ms": round(_percentile(timings, 0.99), 2),
        "max_ms": round(timings[-1], 2),
        "goal_p95_ms": 30,
        "queries_per_check": sorted(query_counts),
        "found_a_conflict": {kind: f"{hits}/{total}" for kind, (hits, total) in sorted(found_by_kind.items())},
        "mode": "in-process dealreg.selectors.conflicts.find_conflicts, one tenant transaction per check",
    }


def explain_slowest(tenant, queries: list[dict], top: int = 3) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of the candidate queries of the slowest checks, to see where time goes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dealreg.selectors.conflicts import find_conflicts
    from prm.tenancy import tenant_context

    timed = []
    for query in queries:
        with tenant_context(tenant):
            started = time.perf_counter()
            find_conflicts(customer_name=query["customer_name"], customer_domain=query["customer_domain"])
            timed.append(((time.perf_counter() - started) * 1000, query))
    timed.sort(key=lambda t: t[0], reverse=True)
    plans = []
    for ms, query in timed[:top]:
        with tenant_context(tenant):
            with CaptureQueriesContext(connection) as captured:
                find_conflicts(customer_name=query["customer_name"], customer_domain=query["customer_domain"])
            statements = []
            with connection.cursor() as cursor:
                for sql in (q["sql"] for q in captured.captured_queries):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    statements.append([row[0] for row in cursor.fetchall()])
        plans.append({"ms": round(ms, 2), "query": query, "plans": statements})
    return plans


# -- Submit throughput -------------------------------------------------------------------------------------------


def _submit_body(n: int) -> dict:
    """A new customer for every submit (customers nobody registered: the partner's own duplicates are refused)."""
    c = customer(50_000_000 + n)
    return {
        "customer_name": c["name"],
        "customer_website": f"https://www.{c['domain']}/" if c["domain"] else "",
        "customer_country": c["country"],
        "title": f"{c['base']} — new seats",
        "amount": "25000.00",
        "currency": COUNTRIES[c["country"]][3],
        "expected_close_date": (date.today() + timedelta(days=60)).isoformat(),
        "submit": True,
    }


def _partner_key(tenant) -> tuple[str, int]:
    """A key bound to an active partner of the bench tenant (as that partner's admin), scope deals:write."""
    from django.contrib.auth import get_user_model

    from partners.models import PartnerOrganization
    from prm.api.keys import api_key_create
    from prm.models import Membership
    from prm.roles import Role
    from prm.tenancy import tenant_context

    with tenant_context(tenant):
        user, _ = get_user_model().objects.get_or_create(email="bench.admin@bench.example")
        admin, _ = Membership.objects.get_or_create(user=user, defaults={"role": Role.TENANT_ADMIN})
        partner = PartnerOrganization.objects.filter(status="active").order_by("pk").first()
        _key, raw = api_key_create(
            actor=admin, name="bench submit", scopes=["deals:write"], partner_organization=partner
        )
    return raw, partner.pk


def submit_queries(raw_key: str, *, first: int, count: int = 6) -> list[int]:
    """SQL queries per submit (POST /api/v1/deals/ with submit: true), in-process, for a few customers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    counts = []
    for n in range(first, first + count):
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/api/v1/deals/", _submit_body(n), format="json")
        if response.status_code != 201:
            raise SystemExit(f"submit answered {response.status_code}: {response.content[:300]!r}")
        counts.append(len(captured))
    return counts[1:]  # the key's first use records its last-used time


def _post_load(port: int, raw_key: str, *, first: int, seconds: float, connections: int) -> dict:
    """Closed loop: `connections` keep-alive clients POSTing submits back to back for `seconds`."""
    import http.client
    import threading

    deadline = time.monotonic() + seconds
    counts, statuses = [0] * connections, {}
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {raw_key}", "Content-Type": "application/json"}

    def client(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        n = first + index * 1_000_000
        while time.monotonic() < deadline:
            connection.request("POST", "/api/v1/deals/", json.dumps(_submit_body(n)), headers)
            response = connection.getresponse()
            response.read()
            n += 1
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status < 300:
                counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "requests": sum(statuses.values()),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(elapsed, 2),
        "rps": round(sum(counts) / elapsed, 1),
    }


def submit_load(tenant, *, seconds: float, connections: int = 4) -> dict:
    """Submits through the API (gunicorn, 2 workers × 2 threads, bench settings) under a closed-loop load, against
    the bare DRF endpoint on the same server; and the SQL queries per submit."""
    from bench.api import start_server
    from bench.http_load import throughput
    from dealreg.models import DealRegistration
    from prm.tenancy import tenant_context

    raw_key, partner_id = _partner_key(tenant)
    with tenant_context(tenant):
        first = DealRegistration.objects.count()  # fresh customers on every run
    queries = submit_queries(raw_key, first=first)
    process, port = start_server()
    try:
        _post_load(port, raw_key, first=first + 100, seconds=1, connections=2)  # warm-up
        submits = _post_load(port, raw_key, first=first + 200, seconds=seconds, connections=connections)
        bare = throughput("127.0.0.1", port, "/api/bench/bare/", connections=connections, seconds=seconds)
        bare_list = throughput(
            "127.0.0.1", port, f"/api/bench/bare-list/?tenant={tenant.pk}", connections=connections, seconds=seconds
        )
    finally:
        process.terminate()
        process.wait(timeout=20)
    return {
        "submit": submits,
        "bare_drf_no_database": bare,
        "bare_drf_same_query": bare_list,
        "ratio_to_bare_drf": round(submits["rps"] / bare["rps"], 3),
        "ratio_to_bare_drf_same_query": round(submits["rps"] / bare_list["rps"], 3),
        "queries_per_submit": queries,
        "partner_organization": partner_id,
        "mode": "POST /api/v1/deals/ {submit: true} with a partner-bound key, new customer each time; "
        "gunicorn 2 workers x 2 threads; Celery eager (events relayed in the request)",
    }


def submit_throughput(tenant, *, seconds: float) -> dict:
    """Submit throughput through the API, when the lifecycle's deals endpoint exists."""
    from dealreg.api import registrations as deal_api

    if not any(basename == "deal" for _prefix, _viewset, basename in getattr(deal_api, "ROUTES", [])):
        return {"skipped": "the deals endpoint (dealreg/api/registrations.py ROUTES) does not exist yet"}
    return submit_load(tenant, seconds=seconds)


# -- Main --------------------------------------------------------------------------------------------------------


def dealreg_bench(
    tenant,
    *,
    partners: int,
    registrations: int,
    crm_accounts: int,
    crm_opportunities: int,
    checks: int,
    submit_seconds: float = 0.0,
    explain: bool = False,
) -> dict:
    """Generate (top up) the data, then measure. Returns the report's `deal_registration` part."""
    from bench.generate import generate_partners
    from partners.models import PartnerOrganization
    from prm.tenancy import tenant_context

    started = time.perf_counter()
    generate_partners(tenant, partners)
    with tenant_context(tenant):
        partner_ids = list(PartnerOrganization.objects.order_by("pk").values_list("pk", flat=True)[:partners])
    written = {
        "registrations": generate_registrations(tenant, registrations, partner_ids),
        "crm_accounts": generate_crm_accounts(tenant, crm_accounts, universe_size(registrations)),
    }
    written["crm_opportunities"] = generate_crm_opportunities(
        tenant, crm_opportunities, crm_accounts, universe_size(registrations)
    )
    generated = time.perf_counter() - started
    if any(written.values()):
        vacuum_analyze()
    prepared = time.perf_counter() - started

    from dealreg.models import ACTIVE_DEAL_STATUSES, CrmAccount, CrmOpportunity, DealRegistration

    with tenant_context(tenant):
        scale = {
            "partners": PartnerOrganization.objects.count(),
            "registrations": DealRegistration.objects.count(),
            "active_registrations": DealRegistration.objects.filter(status__in=ACTIVE_DEAL_STATUSES).count(),
            "crm_accounts": CrmAccount.objects.count(),
            "crm_opportunities": CrmOpportunity.objects.count(),
            "open_crm_opportunities": CrmOpportunity.objects.filter(is_closed=False).count(),
        }
    queries = conflict_queries(checks, registrations, crm_accounts)
    report = {
        "scale": scale,
        "written_now": written,
        "generate_seconds": round(generated, 1),
        "generate_and_vacuum_seconds": round(prepared, 1),
        "conflict_check": measure_conflict_checks(tenant, queries),
    }
    if explain:
        report["slowest_checks"] = explain_slowest(tenant, queries)
    if submit_seconds:
        report["submit"] = submit_throughput(tenant, seconds=submit_seconds)
    return report


def add_arguments(parser) -> None:
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--crm-accounts", type=int, default=200_000)
    parser.add_argument("--crm-opportunities", type=int, default=100_000)
    parser.add_argument("--conflict-checks", type=int, default=400, help="conflict checks measured")
    parser.add_argument("--submit-seconds", type=float, default=8.0, help="submit load duration (0: skip)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenant", default="bench")
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest checks' queries")
    add_arguments(parser)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.generate import ensure_tenant

    call_command("migrate", verbosity=0)
    tenant = ensure_tenant(args.tenant)
    part = dealreg_bench(
        tenant,
        partners=args.partners,
        registrations=args.registrations,
        crm_accounts=args.crm_accounts,
        crm_opportunities=args.crm_opportunities,
        checks=args.conflict_checks,
        submit_seconds=args.submit_seconds,
        explain=args.explain,
    )
    report = {
        "benchmark": "deal registration: conflict checks, submit throughput",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "deal_registration": part,
    }
    text = json.dumps(report, indent=2, default=str)
    print(text)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"dealreg-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
