"""Fictional cases for the cases benchmark (issue 10, Performance): by default 1,000,000
cases across 200 organisations, with a progress bar.

    python manage.py seed_cases_bench --cases 1000000 --organisations 200

- Organisations "Bench cases organisation NNN (fictional)", skewed: organisation k gets a
  share of the cases proportional to 1/(k + 3), so with the defaults the biggest holds
  about 60,000 cases and the smallest about 1,200. Each has one supervisor and a few
  caseworkers (more in the bigger ones); their logins are unusable (the benchmark gives
  one caseworker and one supervisor a password and a second factor).
- Cases spread over three years, newest last; statuses by age (old cases mostly closed),
  risk levels, the person's language, assignees among the organisation's caseworkers
  (new cases mostly unassigned), about 30% opened from a report (the report is stored
  too), unread and awaiting-reply counters on open cases from a report, and open tasks
  with due dates (some overdue) behind ``next_task_due``. Besides, about 3% more reports
  wait in the intake, not yet cases.
- Every row is real: encrypted fields are encrypted for their own row (keys are taken
  from the table's sequence first, as ``victory.core.fields`` needs), so any generated
  case, report or task opens like one made by the services. Written with
  ``bulk_create``, not through the services: no audit records or timeline events.
- Each batch is its own transaction: an interruption (Ctrl-C) leaves whole batches only,
  and running the command again with the same ``--cases`` completes what is missing
  (``--cases`` is the total of generated cases wanted, not a number to add).
"""

from __future__ import annotations

import json
import math
import random
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from victory.accounts.models import Membership, Organisation, OrganisationKind, Role, User, email_digest
from victory.cases.models import (
    Case,
    CaseStatus,
    CaseTask,
    CloseReason,
    IntakeChannel,
    ProtectionLevel,
    RiskLevel,
)
from victory.core import keyring
from victory.core.fields import EncryptedJSONField, EncryptedTextField
from victory.core.vocabulary import BiasMotivation, IncidentType
from victory.reports.models import Report, ReportStatus

ORGANISATION_NAME = "Bench cases organisation {number:03d} (fictional)"
EMAIL = "bench-{role}-{organisation:03d}-{number:02d}@bench.victory.example"
CASE_PREFIX = "BC-"
REPORT_PREFIX = "BR-"
SPAN_DAYS = 3 * 365
SKEW_OFFSET = 3  # organisation k (from 1) weighs 1 / (k + SKEW_OFFSET)
CASES_PER_CASEWORKER = 8_000
COUNTRIES = ("PT", "ES", "IT", "FI", "HU", "FR", "DE", "IE", "NL", "BE", "AT", "GR", "PL", "SE")
LANGUAGES = ("en", "pt", "es", "it", "fi", "hu", "eu", "ar")
LANGUAGE_WEIGHTS = (30, 15, 15, 12, 8, 8, 4, 8)
SUMMARIES = (
    "(Fictional benchmark case) Someone shouted insults at the person in the street.",
    "(Fictional benchmark case) Threatening messages were left at the person's door.",
    "(Fictional benchmark case) The person was pushed and insulted on a bus.",
    "(Fictional benchmark case) Hateful comments were posted about the person online.",
)
TASK_TITLES = ("Call back to agree the next step", "Send information on rights", "Check in after a week")
REPORT_SHARE = 0.30  # cases opened from a report
INTAKE_REPORT_SHARE = 0.03  # reports waiting in the intake, per case
OPEN_STATUSES_BY_AGE: tuple[tuple[int, tuple[str, ...], tuple[int, ...]], ...] = (
    # (younger than N days, statuses, weights)
    (30, ("new", "triage", "assessment", "support", "closed"), (35, 25, 20, 15, 5)),
    (180, ("new", "triage", "assessment", "support", "closed", "reopened"), (5, 10, 15, 40, 25, 5)),
    (10**6, ("assessment", "support", "closed", "reopened"), (2, 8, 88, 2)),
)
RISK_WEIGHTS = (55, 22, 15, 8)  # none, low, medium, high
CHANNELS = (IntakeChannel.PHONE.value, IntakeChannel.WALK_IN.value, IntakeChannel.THIRD_PARTY.value)
# The vocabularies as plain tuples, read once (an enum's ``values`` is rebuilt on every read).
BIASES = tuple(BiasMotivation.values)
INCIDENT_TYPES = tuple(IncidentType.values)
CLOSE_REASONS = tuple(CloseReason.values)
RISK_LEVELS = tuple(RiskLevel.values)
PROTECTION_LEVELS = ("", "", *ProtectionLevel.values)
CLOSED, NEW = CaseStatus.CLOSED.value, CaseStatus.NEW.value


@dataclass
class Staff:
    organisation: Organisation
    supervisor: User
    caseworkers: list[User]


Row = dict[str, Any]


@dataclass
class Batch:
    cases: list[Row]
    reports: list[Row]
    tasks: list[Row]


def reserve_keys(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys taken from the table's own sequence (as
    ``victory.core.fields.allocate_primary_key`` takes one), so encrypted fields can be
    bound to their row before ``bulk_create`` and the database never hands them out again."""
    if count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    assert column is not None  # a concrete primary key has a column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return [row[0] for row in cursor.fetchall()]
        bump = "UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s RETURNING seq"
        cursor.execute(bump, [count, table])
        row = cursor.fetchone()
        if row is None:
            quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
            cursor.execute(
                f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, COALESCE(MAX({quoted_column}), 0) "  # noqa: S608
                f"FROM {quoted_table} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)",
                [table, table],
            )
            cursor.execute(bump, [count, table])
            row = cursor.fetchone()
        last = int(row[0])
        return list(range(last - count + 1, last + 1))


def _converter(field: models.Field[Any, Any]) -> Callable[[Any, Any], Any] | None:
    """How one field's value goes to the database, decided once per column (Django's
    ``bulk_create`` decides it for every value, which made 1,000,000 cases take 15 minutes)."""
    ops = connection.ops
    if isinstance(field, EncryptedJSONField | EncryptedTextField):
        context = field.encryption_context()
        as_json = isinstance(field, EncryptedJSONField)

        def sealed(value: Any, key: Any) -> Any:
            if value is None or (value == "" and not as_json):
                return value
            text = json.dumps(value, sort_keys=True, ensure_ascii=False) if as_json else value
            return keyring.encrypt_text(text, context=context, row=str(key))

        return sealed
    if isinstance(field, models.DateTimeField):
        return lambda value, key: ops.adapt_datetimefield_value(value)
    if isinstance(field, models.DateField):
        return lambda value, key: ops.adapt_datefield_value(value)
    if isinstance(field, models.JSONField):
        return lambda value, key: ops.adapt_json_value(value, field.encoder)
    return None  # passed as it is


def insert_rows(model: type[models.Model], rows: list[Row]) -> None:
    """Insert ``rows`` (values by attribute name, the primary key given) in one statement
    per table: ``COPY`` on PostgreSQL, ``executemany`` on SQLite. Encrypted values are
    encrypted for their own row, exactly as a save() would; missing values take the
    field's default."""
    if not rows:
        return
    fields = list(model._meta.concrete_fields)
    pk_name = model._meta.pk.attname
    names = [field.attname for field in fields]
    defaults = {field.attname: field.get_default() for field in fields}
    converters = [(index, convert) for index, field in enumerate(fields) if (convert := _converter(field))]
    values = []
    for row in rows:
        full = defaults | row
        value = [full[name] for name in names]
        for index, convert in converters:
            value[index] = convert(value[index], row[pk_name])
        values.append(value)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields if field.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608


def organisation_weights(count: int) -> list[float]:
    return [1 / (number + SKEW_OFFSET) for number in range(1, count + 1)]


class Command(BaseCommand):
    help = "Generate fictional cases across organisations for the cases benchmark (resumable, batch by batch)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=1_000_000, help="total generated cases wanted")
        parser.add_argument("--organisations", type=int, default=200, help="organisations the cases spread over")
        parser.add_argument("--batch", type=int, default=10_000, help="cases per transaction")
        parser.add_argument("--seed", type=int, default=10, help="seed of the fictional data")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("seed_cases_bench refuses to run with VICTORY_ENV=production: its data is fictional.")
        total, count, batch_size = options["cases"], options["organisations"], options["batch"]
        if total < 0 or count < 1 or batch_size < 1:
            raise CommandError("--cases must be 0 or more, --organisations and --batch 1 or more.")
        started = time.perf_counter()
        if connection.vendor == "sqlite":
            # A million rows land in seven indexes at random places: with SQLite's default
            # 2 MB page cache every insert rereads pages from disk (400 s instead of 150 s).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MB, this connection only
        staff = self._staff(count)
        done = Case.objects.filter(reference__startswith=CASE_PREFIX).count()
        weights = organisation_weights(count)
        end = timezone.now() - timedelta(hours=1)
        begin = end - timedelta(days=SPAN_DAYS)
        step = (end - begin) / max(total, 1)
        with tqdm(
            total=total,
            initial=min(done, total),
            desc="Cases",
            unit="case",
            unit_scale=True,
            disable=options["verbosity"] < 1,
        ) as progress:
            for first in range(done, total, batch_size):
                last = min(first + batch_size, total)
                rng = random.Random(f"{options['seed']}-{first}")  # noqa: S311  (fictional data)
                owners = rng.choices(staff, weights=weights, k=last - first)
                times = [begin + step * number for number in range(first, last)]
                with transaction.atomic():  # a whole batch or nothing, keys included
                    self._write(self._batch(rng, first, owners, times, end))
                progress.update(last - first)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{Case.objects.filter(reference__startswith=CASE_PREFIX).count():,} generated cases in "
                f"{count} organisations ({time.perf_counter() - started:.1f} s)."
            )

    # --- The organisations and their people -----------------------------------------

    def _staff(self, count: int) -> list[Staff]:
        """The organisations with their supervisor and caseworkers, made once."""
        names = [ORGANISATION_NAME.format(number=number) for number in range(1, count + 1)]
        with transaction.atomic():
            existing = {organisation.name: organisation for organisation in Organisation.objects.filter(name__in=names)}
            Organisation.objects.bulk_create(
                Organisation(
                    name=name,
                    kind=OrganisationKind.VICTIM_SUPPORT,
                    countries=[COUNTRIES[number % len(COUNTRIES)]],
                    accepts_public_reports=False,
                    languages=["en"],
                    is_fictional=True,
                )
                for number, name in enumerate(names)
                if name not in existing
            )
            organisations = {
                organisation.name: organisation for organisation in Organisation.objects.filter(name__in=names)
            }
            total_weight = sum(organisation_weights(count))
            wanted: list[tuple[Organisation, str, int]] = []
            for number, (name, weight) in enumerate(zip(names, organisation_weights(count), strict=True), start=1):
                caseworkers = min(12, max(2, math.ceil(1_000_000 * weight / total_weight / CASES_PER_CASEWORKER)))
                wanted.append((organisations[name], EMAIL.format(role="supervisor", organisation=number, number=1), 0))
                wanted.extend(
                    (organisations[name], EMAIL.format(role="caseworker", organisation=number, number=index), 1)
                    for index in range(1, caseworkers + 1)
                )
            self._people(wanted)
            return self._staff_read([organisations[name] for name in names])

    def _people(self, wanted: list[tuple[Organisation, str, int]]) -> None:
        digests = {email_digest(email): (organisation, email, caseworker) for organisation, email, caseworker in wanted}
        known = set(User.objects.filter(email_digest__in=digests).values_list("email_digest", flat=True))
        missing = [(digest, *rest) for digest, rest in digests.items() if digest not in known]
        keys = reserve_keys(User, len(missing))
        unusable = make_password(None)
        users = User.objects.bulk_create(
            User(
                pk=key,
                email=email,
                email_digest=digest,
                full_name=f"Bench {'caseworker' if caseworker else 'supervisor'} {key} (fictional)",
                password=unusable,
            )
            for key, (digest, _organisation, email, caseworker) in zip(keys, missing, strict=True)
        )
        Membership.objects.bulk_create(
            Membership(
                user=user,
                organisation=organisation,
                role=Role.CASEWORKER if caseworker else Role.SUPERVISOR,
            )
            for user, (_digest, organisation, _email, caseworker) in zip(users, missing, strict=True)
        )

    def _staff_read(self, organisations: Sequence[Organisation]) -> list[Staff]:
        memberships = (
            Membership.objects.filter(organisation__in=organisations, role__in=(Role.CASEWORKER, Role.SUPERVISOR))
            .select_related("user")
            .order_by("user_id")
        )
        supervisors: dict[int, User] = {}
        caseworkers: dict[int, list[User]] = {organisation.pk: [] for organisation in organisations}
        for membership in memberships:
            if membership.role == Role.SUPERVISOR:
                supervisors.setdefault(membership.organisation_id, membership.user)
            else:
                caseworkers[membership.organisation_id].append(membership.user)
        return [
            Staff(organisation, supervisors[organisation.pk], caseworkers[organisation.pk])
            for organisation in organisations
        ]

    # --- One batch -------------------------------------------------------------------

    def _batch(
        self, rng: random.Random, first: int, owners: list[Staff], times: list[datetime], now: datetime
    ) -> Batch:
        case_keys = reserve_keys(Case, len(owners))
        from_report = [rng.random() < REPORT_SHARE for _ in owners]
        intake = [rng.random() < INTAKE_REPORT_SHARE for _ in owners]
        report_keys = iter(reserve_keys(Report, sum(from_report) + sum(intake)))
        cases: list[Row] = []
        reports: list[Row] = []
        tasks: list[Row] = []
        today = now.date()
        for offset, (staff, opened_at, key) in enumerate(zip(owners, times, case_keys, strict=True)):
            number = first + offset
            shared = {
                "organisation_id": staff.organisation.pk,
                "country": staff.organisation.countries[0],
                "language": rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0],
                "bias_motivations": rng.sample(BIASES, rng.choice((1, 1, 1, 2))),
                "incident_types": rng.sample(INCIDENT_TYPES, 1),
            }
            report_id = None
            if from_report[offset] or intake[offset]:
                report = self._report(rng, next(report_keys), number, opened_at, shared, became_case=not intake[offset])
                reports.append(report)
                report_id = (
                    None if intake[offset] else report["id"]
                )  # an intake report waits; the case came another way
            case = self._case(rng, key, number, staff, opened_at, now, shared, report_id)
            cases.append(case)
            if case["status"] != CLOSED and rng.random() < 0.5:
                tasks.extend(self._tasks(rng, case, today))
        for task_key, task in zip(reserve_keys(CaseTask, len(tasks)), tasks, strict=True):
            task["id"] = task_key
        return Batch(cases, reports, tasks)

    def _report(
        self, rng: random.Random, key: int, number: int, opened_at: datetime, shared: Row, *, became_case: bool
    ) -> Row:
        return {
            **shared,
            "id": key,
            "reference": f"{REPORT_PREFIX}{number:08d}",
            "receipt_digest": secrets.token_hex(32),
            "status": ReportStatus.IN_REVIEW.value if became_case else ReportStatus.RECEIVED.value,
            "reporter_role": "victim",
            "narrative": rng.choice(SUMMARIES).replace("case", "report"),
            "became_case": became_case,
            "created_at": opened_at - timedelta(hours=rng.randint(1, 48)),
            "updated_at": opened_at,
            "erase_after": opened_at + timedelta(days=5 * 365),
        }

    def _case(
        self,
        rng: random.Random,
        key: int,
        number: int,
        staff: Staff,
        opened_at: datetime,
        now: datetime,
        shared: Row,
        report_id: int | None,
    ) -> Row:
        age = (now - opened_at).days
        statuses, weights = next((s, w) for limit, s, w in OPEN_STATUSES_BY_AGE if age < limit)
        status = rng.choices(statuses, weights)[0]
        assignee = None
        if staff.caseworkers and (status != NEW or rng.random() < 0.3) and rng.random() < 0.97:
            assignee = rng.choice(staff.caseworkers).pk
        closed_at = min(now, opened_at + timedelta(days=rng.randint(5, 150))) if status == CLOSED else None
        unread, awaiting = 0, None
        if report_id is not None and status != CLOSED and rng.random() < 0.25:
            unread = rng.randint(1, 4)
            awaiting = min(now, opened_at + timedelta(days=rng.randint(0, 20)))
        occurred = (opened_at - timedelta(days=rng.randint(0, 60))).date()
        channel = IntakeChannel.REPORT.value if report_id else rng.choice(CHANNELS)
        return {
            **shared,
            "id": key,
            "reference": f"{CASE_PREFIX}{number:08d}",
            "report_id": report_id,
            "intake_channel": channel,
            "status": status,
            "close_reason": rng.choice(CLOSE_REASONS) if closed_at else "",
            "assigned_to_id": assignee,
            "online": rng.random() < 0.3,
            "occurred_month": occurred.replace(day=1),
            "summary": rng.choice(SUMMARIES),
            "risk_level": rng.choices(RISK_LEVELS, RISK_WEIGHTS)[0],
            "protection_level": rng.choice(PROTECTION_LEVELS),
            "unread_messages": unread,
            "awaiting_reply_since": awaiting,
            "next_task_due": None,
            "opened_by_id": assignee,
            "opened_at": opened_at,
            "updated_at": closed_at or awaiting or opened_at,
            "closed_at": closed_at,
        }

    def _tasks(self, rng: random.Random, case: Row, today: date) -> list[Row]:
        tasks = []
        for _ in range(rng.randint(1, 3)):
            done = rng.random() < 0.3
            tasks.append(
                {
                    "case_id": case["id"],
                    "title": rng.choice(TASK_TITLES),
                    "due_on": today + timedelta(days=rng.randint(-30, 45)),
                    "assigned_to_id": case["assigned_to_id"],
                    "created_by_id": case["assigned_to_id"],
                    "created_at": case["opened_at"],
                    "done_at": case["opened_at"] + timedelta(days=1) if done else None,
                }
            )
        open_due = [task["due_on"] for task in tasks if task["done_at"] is None]
        case["next_task_due"] = min(open_due) if open_due else None
        return tasks

    def _write(self, batch: Batch) -> None:
        insert_rows(Report, batch.reports)
        insert_rows(Case, batch.cases)
        insert_rows(CaseTask, batch.tasks)
