"""Route demo reports to the fictional support organisations and send three fictional
reports; safe to run again (nothing is duplicated)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from victory.accounts.demo import DEMO_ORGANISATIONS
from victory.accounts.models import Organisation
from victory.core.private_files import write_private_file
from victory.reports import services
from victory.reports.models import Report
from victory.reports.services import ReportDraft

DEMO_PREFIX = "(Fictional demo report)"

# Country -> demo organisation slug (victory.accounts.demo); "*" is every other country.
INTAKE = {"PT": "support-pt", "ES": "support-es", "*": "support-pt"}

DEMO_REPORTS = (
    ReportDraft(
        narrative=f"{DEMO_PREFIX} Two people shouted insults about my headscarf at the tram stop and one of "
        "them pushed me. Nobody was hurt badly, but I no longer take that tram.",
        country="PT",
        reporter_role="victim",
        occurred_when="A weekday evening, last month",
        location="Northbridge (fictional town)",
        place_kind="transport",
        bias_motivations=["anti_muslim", "gender"],
        incident_types=["violent_attack"],
        impact="I feel afraid on public transport.",
        police_aware="no",
        wants_police_told=False,
        support_needs=["talk", "information"],
        support_language="Portuguese",
        consents={"contact": True, "statistics": True},
        language="pt",
    ),
    ReportDraft(
        narrative=f"{DEMO_PREFIX} Someone painted hateful slogans and symbols on the door of our community "
        "centre during the night.",
        country="ES",
        reporter_role="organisation",
        # One demo report with an exact day, so staff pages and the PDF show one (stored encrypted).
        occurred_on=date(2025, 3, 14),
        occurred_when="During the night",
        place_kind="worship",
        bias_motivations=["antisemitism"],
        incident_types=["property_attack"],
        police_aware="yes",
        support_needs=["practical", "safety"],
        consents={"contact": True, "share_support": True, "share_police": True, "statistics": True},
        language="es",
    ),
    ReportDraft(
        narrative=f"{DEMO_PREFIX} I saw a group follow a young man out of a bar, calling him names because "
        "he is gay. I do not know what happened next.",
        country="PT",
        reporter_role="witness",
        place_kind="street",
        bias_motivations=["anti_lgbti"],
        incident_types=["threat_harassment"],
        police_aware="not_sure",
        consents={"statistics": True, "restorative": True},
        language="en",
    ),
)


class Command(BaseCommand):
    help = (
        "Route reports for PT and ES (and any other country) to the fictional demo support organisations "
        "and send three fictional demo reports if there are none yet (idempotent; run seed_demo first). "
        "--receipts FILE writes their references and receipts as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--receipts", type=Path, help="Write the demo reports' receipts as JSON to this file.")

    def handle(self, *args: Any, receipts: Path | None = None, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError(
                "seed_demo_reports refuses to run with VICTORY_ENV=production: demo receipts are public."
            )
        organisations = self._organisations()
        for country, slug in INTAKE.items():
            services.country_intake_set(actor=None, country=country, organisation=organisations[slug])
        if self._demo_reports_exist():
            self.stdout.write("Demo reports already exist: none added (their receipts cannot be shown again).")
            return
        rows = []
        for draft in DEMO_REPORTS:
            sent = services.report_submit(draft=draft)
            rows.append(
                {
                    "reference": sent.report.reference,
                    "receipt": sent.receipt,
                    "organisation": sent.report.organisation.name,
                }
            )
        if receipts:
            self._write(receipts, rows)
            self.stdout.write(f"Demo receipts written to {receipts} (fictional reports).")
        self.stdout.write(self.style.SUCCESS(f"Demo reports ready: {len(rows)} fictional reports sent."))

    def _demo_reports_exist(self) -> bool:
        # Narratives are encrypted, so the label is checked after decryption.
        reports = Report.objects.filter(organisation__is_fictional=True).only("narrative")
        return any(report.narrative.startswith(DEMO_PREFIX) for report in reports.iterator())

    def _organisations(self) -> dict[str, Organisation]:
        found = {}
        for demo in DEMO_ORGANISATIONS:
            if demo.slug in INTAKE.values():
                organisation = Organisation.objects.filter(name=demo.name).first()
                if organisation is None:
                    raise CommandError(f"The demo organisation “{demo.name}” is missing: run seed_demo first.")
                found[demo.slug] = organisation
        return found

    def _write(self, path: Path, rows: list[dict[str, str]]) -> None:
        """Receipts cannot be recovered later, so earlier ones in the file are kept, unless
        their report is no longer in the database (a database made again): a receipt
        that opens nothing would only mislead whoever tries it."""
        previous: list[dict[str, str]] = []
        if path.exists():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                previous = [row for row in loaded if isinstance(row, dict)] if isinstance(loaded, list) else []
            except ValueError:
                previous = []
        existing = set(
            Report.objects.filter(reference__in=[row.get("reference") for row in previous]).values_list(
                "reference", flat=True
            )
        )
        previous = [row for row in previous if row.get("reference") in existing]
        content = json.dumps([*previous, *rows], indent=2, ensure_ascii=False) + "\n"
        if path.exists():
            path.chmod(0o600)
            path.write_text(content, encoding="utf-8")
        else:
            write_private_file(path, content)
