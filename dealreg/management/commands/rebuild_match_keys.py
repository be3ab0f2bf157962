"""Recompute the conflict match keys of registrations and CRM records after dealreg.matching changed."""

from django.core.management.base import BaseCommand, CommandError

from dealreg.matching import MATCHING_VERSION
from dealreg.services.match_keys import keyed_row_counts, match_keys_rebuild
from prm.models import Tenant
from prm.progress import Progress
from prm.tenancy import tenant_context


class Command(BaseCommand):
    help = (
        "Recompute the derived customer domain and match keys of every deal registration, CRM account and CRM "
        "opportunity, after MATCHING_VERSION (dealreg/matching.py) was raised. Safe to run again; rows whose keys "
        "are current are not written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", action="append", default=[], help="only this program (slug); repeatable")
        parser.add_argument("--batch-size", type=int, default=2000, help="rows per transaction (default 2000)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, tenant, batch_size, no_progress, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        tenants = Tenant.objects.order_by("slug")
        if tenant:
            tenants = tenants.filter(slug__in=tenant)
            missing = sorted(set(tenant) - set(tenants.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"Unknown program: {', '.join(missing)}.")
        self.stdout.write(f"Matching version {MATCHING_VERSION}.")
        total_changed = 0
        for program in tenants:
            with tenant_context(program):
                counts = keyed_row_counts()
            bars = (
                {}
                if no_progress
                else {
                    label: Progress(count, f"{program.slug}: {label.split('.')[-1]}", stream=self.stderr._out)
                    for label, count in counts.items()
                }
            )

            def advance(label, done, bars=bars):
                if label in bars:
                    bars[label].advance(done)

            with tenant_context(program):
                changed = match_keys_rebuild(batch_size=batch_size, on_progress=advance)
            summary = ", ".join(f"{label.split('.')[-1]} {count}" for label, count in changed.items())
            self.stdout.write(f"{program.slug}: rows with new keys: {summary}.")
            total_changed += sum(changed.values())
        self.stdout.write(self.style.SUCCESS(f"Done: {total_changed} rows rewritten."))
