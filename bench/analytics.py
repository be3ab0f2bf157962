"""Analytics bench: the program dashboard at 10,000 partners and 1,000,000 registrations (`make bench`, or
`python -m bench.analytics --analytics-partners 2000 --analytics-registrations 100000` for a quick try).

Partners and registrations come from the shared generators (bench.generate, bench.dealreg.generate); this module adds
what analytics reads and they do not write, set-based: close dates and amounts of won and lost deals, the partners
on each deal (the registrant sourced; every fifth deal shared 70/30 with an influencing partner), stages of open
deals, an onboarding start and first-deal stamps per partner (time to value), and six quarters of costs per partner
(ROPI), a third of them in EUR with an exchange rate. Then the dashboard is requested as a tenant admin, with and
without filters: p50/p95 and the number of queries (constant in data size).

JSON object `analytics`: `partners`, `registrations`, `dashboard_p50_ms`, `dashboard_p95_ms`, `dashboard_queries`,
and the filtered dashboard's figures."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--analytics-partners", type=int, default=10_000)
    parser.add_argument("--analytics-registrations", type=int, default=1_000_000)
    parser.add_argument("--analytics-repeat", type=int, default=20, help="dashboard requests measured")


def _enrich(tenant) -> None:
    """Idempotent: a tenant whose registrations already have participants is left as it is."""
    import pgtrigger
    from django.db import connection, transaction

    from prm.tenancy import tenant_context

    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM dealreg_dealparticipant WHERE tenant_id = %s)", [tenant.pk])
        if cursor.fetchone()[0]:
            return
    statements = [
        # Won and lost deals close 1–120 days after approval, for their registered amount.
        """UPDATE dealreg_dealregistration SET closed_at = approved_at::date + (1 + id %% 120)::int,
               closed_amount = CASE WHEN status = 'won' THEN amount END
           WHERE tenant_id = %(tenant)s AND status IN ('won', 'lost')""",
        # Open deals spread over the five stages.
        """UPDATE dealreg_dealregistration
           SET stage = (ARRAY['prospecting','qualified','proposal','negotiation','commit'])[1 + id %% 5]
           WHERE tenant_id = %(tenant)s AND status IN ('submitted', 'under_review', 'info_requested', 'approved')""",
        # The registrant sources every deal; every fifth is shared 70/30 with an influencing partner.
        """INSERT INTO dealreg_dealparticipant
               (tenant_id, updated_at, registration_id, partner_organization_id, role, share, created_at)
           SELECT tenant_id, now(), id, partner_organization_id, 'sourced',
                  CASE WHEN id %% 5 = 0 THEN 70 ELSE 100 END, now()
           FROM dealreg_dealregistration WHERE tenant_id = %(tenant)s""",
        # (A numbered list of partners to join on: subscripting a 10,000-element array on every row would copy it.)
        """WITH partners AS (
               SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM partners_partnerorganization
               WHERE tenant_id = %(tenant)s
           ), total AS (SELECT count(*) AS c FROM partners)
           INSERT INTO dealreg_dealparticipant
               (tenant_id, updated_at, registration_id, partner_organization_id, role, share, created_at)
           SELECT r.tenant_id, now(), r.id, p.id, 'influenced', 30, now()
           FROM dealreg_dealregistration r CROSS JOIN total
           JOIN partners p ON p.n = (r.id * 7) %% total.c
           WHERE r.tenant_id = %(tenant)s AND r.id %% 5 = 0 AND p.id <> r.partner_organization_id""",
        # Time to value: an onboarding started when the partner was created, and its first deals stamped.
        """INSERT INTO partners_partneronboarding
               (tenant_id, updated_at, partner_organization_id, plan_name, status, started_at, last_progress_at)
           SELECT tenant_id, now(), id, 'Bench onboarding', 'completed', created_at, created_at
           FROM partners_partnerorganization WHERE tenant_id = %(tenant)s""",
        """UPDATE partners_partnerorganization p
           SET first_deal_registered_at = f.registered, first_deal_won_at = f.won
           FROM (
               SELECT partner_organization_id, min(submitted_at) AS registered,
                      min(closed_at) FILTER (WHERE status = 'won')::timestamptz AS won
               FROM dealreg_dealregistration WHERE tenant_id = %(tenant)s GROUP BY 1
           ) f
           WHERE p.tenant_id = %(tenant)s AND p.id = f.partner_organization_id""",
        # Six quarters of costs per partner, a third in EUR.
        """INSERT INTO analytics_exchangerate (tenant_id, updated_at, currency, rate)
           VALUES (%(tenant)s, now(), 'EUR', 1.08) ON CONFLICT DO NOTHING""",
        """INSERT INTO analytics_partnercost
               (tenant_id, updated_at, partner_organization_id, period_start, kind, amount, currency, note, source,
                source_reference, created_at)
           SELECT p.tenant_id, now(), p.id, (date_trunc('quarter', now()) - make_interval(months => 3 * q))::date,
                  (ARRAY['mdf','incentives','enablement','support','other'])[1 + (p.id + q) %% 5],
                  500 + (p.id * 37 + q * 101) %% 9500, CASE WHEN p.id %% 3 = 0 THEN 'EUR' ELSE 'USD' END,
                  '', 'manual', '', now()
           FROM partners_partnerorganization p, generate_series(0, 5) AS q
           WHERE p.tenant_id = %(tenant)s AND p.id %% 8 <> 7""",
    ]
    with (
        transaction.atomic(),
        tenant_context(tenant),
        pgtrigger.ignore("dealreg.DealRegistration:update_update", "partners.PartnerOrganization:update_update"),
        connection.cursor() as cursor,
    ):
        for statement in statements:
            # Positional parameters: pgtrigger.ignore prefixes its own to the statement.
            cursor.execute(statement.replace("%(tenant)s", "%s"), [tenant.pk] * statement.count("%(tenant)s"))


def _prepare(partners: int, registrations: int):
    from bench.dealreg.generate import generate_registrations, vacuum_analyze
    from bench.generate import ensure_tenant, generate_partners
    from partners.models import PartnerOrganization
    from prm.tenancy import tenant_context

    tenant = ensure_tenant(f"bench-analytics-{partners}")
    generate_partners(tenant, partners)
    with tenant_context(tenant):
        partner_ids = list(PartnerOrganization.objects.order_by("pk").values_list("pk", flat=True))
    generate_registrations(tenant, registrations, partner_ids)
    del partner_ids
    _enrich(tenant)
    vacuum_analyze(vacuum=False)
    _analyze()
    return tenant


def _analyze() -> None:
    """Statistics for the tables this bench writes that the shared generators' ANALYZE leaves out."""
    from django.db import connection

    from prm.db.base import owner_mode

    with owner_mode(connection), connection.cursor() as cursor:
        for table in ANALYZED:
            cursor.execute(f"ANALYZE {table}")


ANALYZED = (
    "dealreg_dealregistration",
    "dealreg_dealparticipant",
    "partners_partnerorganization",
    "partners_partneronboarding",
    "analytics_partnercost",
)


def analytics_bench(*, partners: int = 10_000, registrations: int = 1_000_000, repeat: int = 20) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.run import measure
    from dealreg.models import DealRegistration
    from partners.models import PartnerOrganization
    from prm.models import Membership
    from prm.roles import Role
    from prm.tenancy import tenant_context

    started = time.perf_counter()
    tenant = _prepare(partners, registrations)
    prepare_seconds = time.perf_counter() - started
    user, _ = get_user_model().objects.get_or_create(email=f"analytics.admin.{tenant.pk}@bench.example")
    with tenant_context(tenant):
        Membership.objects.get_or_create(user=user, defaults={"role": Role.TENANT_ADMIN})
        counts = (PartnerOrganization.objects.count(), DealRegistration.objects.count())
        first_partner = PartnerOrganization.objects.order_by("pk").values_list("pk", flat=True).first()
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    base = f"/t/{tenant.slug}/analytics/"
    dashboard = measure(client, base, repeat)
    filtered = measure(client, f"{base}?region=EMEA&partner_type=var", repeat)
    scorecard = measure(client, f"{base}partners/{first_partner}/", repeat)
    return {
        "partners": counts[0],
        "registrations": counts[1],
        "prepare_seconds": round(prepare_seconds, 1),
        "dashboard_p50_ms": dashboard["p50_ms"],
        "dashboard_p95_ms": dashboard["p95_ms"],
        "dashboard_queries": dashboard["queries"],
        "dashboard_filtered": filtered,
        "partner_scorecard": scorecard,
        "goal": "dashboard p95 under 500 ms; queries constant in data size",
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    report = {
        "analytics": analytics_bench(
            partners=args.analytics_partners, registrations=args.analytics_registrations, repeat=args.analytics_repeat
        )
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
