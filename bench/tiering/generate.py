"""Certification awards for the tiering bench (registrations and partners come from the shared generators)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from prm.progress import Progress
from prm.tenancy import tenant_context

CERTIFICATIONS = 5
CHUNK = 50_000


def generate_certifications(tenant, count: int, partner_ids: list[int]) -> int:
    """Top the tenant up to `count` certification awards over `count // 2` learners (two awards each on average,
    a tenth of them expired), learners spread over the partners round robin. Returns how many were written."""
    import pgtrigger

    from bench.dealreg.generate import copy_rows
    from enablement.models import Certification, CertificationAward
    from prm.models import Membership

    with tenant_context(tenant):
        existing = CertificationAward.objects.count()
    if existing >= count:
        return 0
    learners = max(1, count // 2)
    prefix = f"tiering{tenant.pk}-learner"
    _generate_learners(tenant, prefix, learners, partner_ids)
    with tenant_context(tenant):
        certifications = list(Certification.objects.order_by("pk").values_list("pk", flat=True))
        for n in range(len(certifications), CERTIFICATIONS):
            certifications.append(Certification.objects.create(name=f"Bench certification {n}", validity_months=12).pk)
        people = list(
            Membership.objects.filter(user__email__startswith=prefix, user__email__endswith="@bench.example")
            .order_by("pk")
            .values_list("user_id", "partner_organization_id")
        )
    now = datetime.now(UTC)
    progress = Progress(count - existing, "certification awards")
    columns = [
        "certification_id", "user_id", "partner_organization_id", "recipient_name", "awarded_at", "expires_at",
        "status", "award_key", "verification_code",
    ]  # fmt: skip
    for start in range(existing, count, CHUNK):
        end = min(count, start + CHUNK)
        rng = random.Random(start)
        rows = []
        for n in range(start, end):
            user_id, partner_id = people[n % len(people)]
            awarded = now - timedelta(days=rng.randrange(0, 420))
            rows.append(
                (
                    certifications[(n // len(people)) % len(certifications)], user_id, partner_id, f"Learner {n}",
                    awarded, awarded + timedelta(days=365), "active", f"bench-{n}", f"bench{n:026d}",
                )
            )  # fmt: skip
        # The bench's awards need no history rows (as the deal registration generator skips its insert trigger).
        with tenant_context(tenant), pgtrigger.ignore("enablement.CertificationAward:insert_insert"):
            copy_rows(CertificationAward, columns, rows)
        progress.advance(end - start)
    return count - existing


def _generate_learners(tenant, prefix: str, count: int, partner_ids: list[int]) -> None:
    """Partner users `<prefix><i>@bench.example` of this tenant, one partner each (round robin)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from prm.models import Membership

    User = get_user_model()
    existing = User.objects.filter(email__startswith=prefix, email__endswith="@bench.example").count()
    for first in range(existing, count, 10_000):
        last = min(count, first + 10_000)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(email=f"{prefix}{i}@bench.example", first_name="Learner", last_name=str(i))
                    for i in range(first, last)
                ]
            )
            with tenant_context(tenant):
                Membership.objects.bulk_create(
                    [
                        Membership(
                            user=user, role="partner_sales", partner_organization_id=partner_ids[i % len(partner_ids)]
                        )
                        for i, user in zip(range(first, last), users, strict=True)
                    ]
                )
