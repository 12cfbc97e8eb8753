"""Report submission and receipt login with 100,000 reports stored (issue 3, Performance).

Runs against a throwaway SQLite database in a temporary VICTORY_VAR_DIR, with the real
receipt hash cost (``VICTORY_RECEIPT_HASH`` of the base settings), and checks that the
median submission and the median receipt login each take at most the hash cost plus
50 ms. Exits 1 when either does not, 2 when it would run with the wrong settings.

    make bench
    .venv/bin/python benchmarks/bench_reports.py --reports 100000 --runs 30

Filler reports are written with ``bulk_create``: every encrypted field is encrypted once
and the ciphertext reused (the database cannot tell, and nobody reads them), and each
filler gets a unique reference and a random receipt digest (nobody logs in with them).
The measured reports go through ``services.report_submit`` like any other.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
ALLOWANCE_SECONDS = 0.050


def _configure() -> tuple[Path, bool]:
    """A throwaway place for the database, keys and pepper; never the project's var/.
    Returns it and whether this script made it (and so removes it at the end)."""
    given = os.environ.get("VICTORY_VAR_DIR")
    if given and Path(given).resolve() != (BASE_DIR / "var").resolve():
        var_dir, made = Path(given), False
    else:
        var_dir, made = Path(tempfile.mkdtemp(prefix="victory-bench-")), True
    os.environ["VICTORY_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ["VICTORY_ENV"] = "development"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "victory.settings"
    sys.path.insert(0, str(BASE_DIR))
    return var_dir, made


def _median_seconds(action: Callable[[int], object], runs: int) -> tuple[float, list[float]]:
    action(-1)  # warm up: imports, translations, first connection
    times = []
    for run in range(runs):
        started = time.perf_counter()
        action(run)
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def _spread(times: list[float]) -> str:
    ordered = sorted(times)
    return f"(min {ordered[0] * 1000:.1f}, max {ordered[-1] * 1000:.1f})"


def _fill(count: int, organisation: object) -> float:
    """Store ``count`` filler reports (with their consents and first status) quickly."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from victory.core.fields import Ciphertext, _ToSeal
    from victory.reports.models import ConsentPurpose, Report, ReportConsent, ReportStatus, ReportStatusChange

    def sealed(name: str, value: object) -> Ciphertext:
        # Ciphertext is bound to its row's key. The filler rows are never read (nobody logs
        # in with them), so one ciphertext per field, sealed for a row that does not exist,
        # stands in for all of them: the database cannot tell, and 100,000 rows store in
        # seconds instead of being saved one by one.
        return Ciphertext(Report._meta.get_field(name).get_prep_value(_ToSeal(value, "benchmark-filler")))

    narrative = sealed("narrative", "(Fictional benchmark report) Someone shouted insults at me in the street. " * 4)
    location = sealed("location", "Northbridge (fictional town)")
    contact = sealed(
        "contact", {"email": "", "phone": "+000 000 000", "safe_times": "evenings", "email_updates": False}
    )
    erase_after = timezone.now() + timedelta(days=365)
    started = time.perf_counter()
    batch = 5_000
    for start in range(0, count, batch):
        with transaction.atomic():
            reports = Report.objects.bulk_create(
                Report(
                    reference=f"BF-{number:08d}",
                    receipt_digest=secrets.token_hex(32),
                    organisation=organisation,
                    reporter_role="victim",
                    narrative=narrative,
                    country="PT",
                    location=location,
                    place_kind="street",
                    bias_motivations=["racism_xenophobia"],
                    incident_types=["threat_harassment"],
                    contact=contact,
                    language="en",
                    erase_after=erase_after,
                )
                for number in range(start, min(start + batch, count))
            )
            ReportConsent.objects.bulk_create(
                ReportConsent(report=report, purpose=purpose, granted=purpose == ConsentPurpose.STATISTICS)
                for report in reports
                for purpose in ConsentPurpose.values
            )
            ReportStatusChange.objects.bulk_create(
                ReportStatusChange(report=report, status=ReportStatus.RECEIVED) for report in reports
            )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000, help="reports stored before measuring")
    parser.add_argument("--runs", type=int, default=30, help="measured runs of each operation")
    arguments = parser.parse_args()
    var_dir, made = _configure()
    try:
        return _run(arguments, var_dir)
    finally:
        if made:
            shutil.rmtree(var_dir, ignore_errors=True)


def _run(arguments: argparse.Namespace, var_dir: Path) -> int:

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from victory.accounts import services as account_services
    from victory.reports import services
    from victory.reports.models import Report
    from victory.reports.receipts import RECEIPT_DIGITS, receipt_digest, receipt_generate
    from victory.settings import base

    params = settings.VICTORY_RECEIPT_HASH
    if params != base.VICTORY_RECEIPT_HASH or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        print("The benchmark needs the base settings (real receipt hash cost) and SQLite.", file=sys.stderr)
        return 2

    print(f"Throwaway data in {var_dir}")
    call_command("migrate", verbosity=0, interactive=False)
    organisation = account_services.organisation_create(
        actor=None,
        name="Benchmark support (fictional)",
        kind="victim_support",
        countries=["PT"],
        accepts_public_reports=True,
        is_fictional=True,
    )
    services.country_intake_set(actor=None, country="PT", organisation=organisation)

    print(f"Storing {arguments.reports:,} reports …", flush=True)
    fill_seconds = _fill(arguments.reports, organisation)
    print(f"  {Report.objects.count():,} reports stored in {fill_seconds:.1f} s")

    draft = services.ReportDraft(
        narrative="(Fictional benchmark report) Two men shouted insults about my headscarf at the bus stop.",
        country="PT",
        reporter_role="victim",
        bias_motivations=["anti_muslim", "gender"],
        incident_types=["violent_attack"],
        location="Northbridge (fictional town)",
        contact_email="reporter@example.org",
        consents={"contact": True, "statistics": True},
    )
    receipts: list[str] = []

    def hash_once(run: int) -> None:
        receipt_digest(receipt_generate())

    def submit_once(run: int) -> None:
        sent = services.report_submit(draft=draft, client=f"bench-submit-{run}")
        receipts.append(sent.receipt)

    def login_once(run: int) -> None:
        services.receipt_login(receipt=receipts[run + 1], client=f"bench-login-{run}")

    runs = arguments.runs
    hash_median, hash_times = _median_seconds(hash_once, runs)
    submit_median, submit_times = _median_seconds(submit_once, runs)
    login_median, login_times = _median_seconds(login_once, runs)

    budget = hash_median + ALLOWANCE_SECONDS
    submit_ok = submit_median <= budget
    login_ok = login_median <= budget
    print(
        f"Argon2id t={params['time_cost']}, m={params['memory_cost'] // 1024} MiB, p={params['parallelism']}; "
        f"receipt {RECEIPT_DIGITS} digits; {Report.objects.count():,} reports stored; "
        f"median of {runs} runs on {os.cpu_count()} cores"
    )
    print(f"  receipt hash alone   {hash_median * 1000:8.1f} ms  {_spread(hash_times)}")
    print(
        f"  report submission    {submit_median * 1000:8.1f} ms  {_spread(submit_times)}  "
        f"{'OK' if submit_ok else 'TOO SLOW'} (hash + {(submit_median - hash_median) * 1000:.1f} ms; "
        f"budget hash + 50 ms = {budget * 1000:.1f} ms)"
    )
    print(
        f"  receipt login        {login_median * 1000:8.1f} ms  {_spread(login_times)}  "
        f"{'OK' if login_ok else 'TOO SLOW'} (hash + {(login_median - hash_median) * 1000:.1f} ms; "
        f"budget hash + 50 ms = {budget * 1000:.1f} ms)"
    )
    return 0 if submit_ok and login_ok else 1


if __name__ == "__main__":
    sys.exit(main())
