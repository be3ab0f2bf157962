"""Synthetic data at scale: a tenant with N partner organizations, written with set-based SQL.

`python -m bench.generate --partners 10000` (idempotent: tops the tenant up to the asked size).
Later issues extend it with deal registrations, funds and courses.
"""

import argparse

from django.db import connection

from partners.models import PartnerOrganization
from prm.progress import Progress
from prm.tenancy import tenant_context

TYPES = ["reseller", "var", "system_integrator", "isv", "msp", "referral", "distributor"]
REGIONS = [("US", "NA"), ("DE", "EMEA"), ("GB", "EMEA"), ("JP", "APAC"), ("BR", "LATAM"), ("AU", "APAC")]
WORDS = ["Secure", "Net", "Cloud", "Data", "Shield", "Logic", "Wave", "Core", "Bridge", "Summit", "Atlas", "Nova"]
SUFFIXES = ["Solutions", "Systems", "Networks", "Partners", "Technologies", "Group", "IT", "Consulting"]


def ensure_tenant(slug: str):
    from prm.models import Tenant

    tenant, _ = Tenant.objects.get_or_create(
        slug=slug, defaults={"name": "Bench Networks", "program_name": "Bench Partner Program"}
    )
    return tenant


def generate_partners(tenant, count: int, batch: int = 5000) -> int:
    """Add partner organizations until the tenant has `count`; returns how many were written.

    Set-based INSERT … SELECT over generate_series (COPY is refused on tables under row-level security)."""
    with tenant_context(tenant):
        existing = PartnerOrganization.objects.count()
    missing = max(0, count - existing)
    progress = Progress(missing, "partner organizations")
    written = 0
    while written < missing:
        size = min(batch, missing - written)
        first = existing + written
        with tenant_context(tenant), connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO partners_partnerorganization
                    (tenant_id, name, partner_type, status, website, country, region, created_at,
                     updated_at, legal_name, status_reason, external_id, tier, company_size,
                     email_domains, regions, industries)
                SELECT %(tenant)s,
                       (%(words)s)[1 + (i * 7) %% 12] || lower((%(words)s)[1 + (i * 5) %% 12]) || ' '
                           || (%(suffixes)s)[1 + (i * 3) %% 8] || ' ' || lpad(i::text, 6, '0'),
                       (%(types)s)[1 + i %% 7],
                       CASE WHEN i %% 10 < 8 THEN 'active' ELSE (%(other)s)[1 + i %% 3] END,
                       '',
                       (%(countries)s)[1 + i %% 6],
                       (%(regions)s)[1 + i %% 6],
                       now() - make_interval(days => i %% 1500),
                       now(), '', '', '', '', '', '[]'::jsonb, '[]'::jsonb, '[]'::jsonb
                FROM generate_series(%(first)s, %(last)s) AS i
                """,
                {
                    "tenant": tenant.pk,
                    "words": WORDS,
                    "suffixes": SUFFIXES,
                    "types": TYPES,
                    "other": ["onboarding", "suspended", "applied"],
                    "countries": [c for c, _ in REGIONS],
                    "regions": [r for _, r in REGIONS],
                    "first": first,
                    "last": first + size - 1,
                },
            )
        written += size
        progress.advance(size)
    if written:
        from prm.db.base import owner_mode

        # Fresh statistics, as autovacuum would give a real database: plans match production. Only the owner may
        # ANALYZE (the app role's is skipped with a mere warning).
        with owner_mode(connection), connection.cursor() as cursor:
            cursor.execute("ANALYZE partners_partnerorganization")
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenant", default="bench")
    parser.add_argument("--partners", type=int, default=10_000)
    args = parser.parse_args(argv)
    tenant = ensure_tenant(args.tenant)
    generate_partners(tenant, args.partners)


if __name__ == "__main__":
    import django

    django.setup()
    main()
