"""Cached public pages under gunicorn against a bare Django view (issue 4, Performance;
issue 9, item 10).

Serves the platform with gunicorn (2 workers, 127.0.0.1 only) on a throwaway SQLite
database in a temporary VICTORY_VAR_DIR holding the shipped rights pages
(``seed_content``) and 5,000 published fictional support services, and beside it a
second gunicorn serving Django with no middleware at all (benchmarks/settings_bare.py).
It measures in the same run, in turn, round after round:
- the bare view without middleware (``/bench/bare/`` of the second server): Django's
  own ceiling;
- the same bare view through the platform's middleware (benchmarks/urls_bench.py);
- a rights page and the filtered directory, each in two languages, cached whole per
  address (victory.core.cache, 300 s): the first (cold) request is timed on its own,
  then the warm rate is measured.
Each round's rates are compared with that round's bare view, so a slow moment of the
machine (other work on its two cores) falls on both sides of a ratio; the median ratio
of the rounds is kept. Exits 1 when a cached public page answers below
``REQUIRED_SHARE`` of the bare view without middleware, or when a request fails.

    make bench
    .venv/bin/python benchmarks/bench_public_pages.py --requests 300 --clients 4 --rounds 9

The load generator is a few threads of ``http.client`` on this same machine: a fixed
number of requests, one new connection each (gunicorn's sync workers close every
connection), to 127.0.0.1 only, each run cut off after ``--time-limit`` seconds. Both
gunicorns and the temporary directory are removed at the end, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never anything else
WORKERS = 2
BARE = "/bench/bare/"
PAGES = [
    "/en/rights/protection/",
    "/es/rights/protection/",
    "/en/support/?country=PT&need=legal",
    "/es/support/?country=PT&need=legal",
]
# Each cached public page's warm rate against the bare view without middleware.
REQUIRED_SHARE = 0.8


def _configure() -> Path:
    """A throwaway place for the database, keys and cache; never the project's var/.
    Always made here, so it is always this script's to remove."""
    var_dir = Path(tempfile.mkdtemp(prefix="victory-bench-pages-"))
    os.environ["VICTORY_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ["VICTORY_ENV"] = "development"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings_bench"
    sys.path.insert(0, str(BASE_DIR))
    return var_dir


# --- Data ---------------------------------------------------------------------------


def _prepare(services: int) -> float:
    """Migrate, load the shipped content and store ``services`` published fictional
    services (with an English text each). Returns the seconds the services took."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from victory.core.keyring import get_keyring

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_content", verbosity=0)
    get_keyring()  # create the throwaway keyring now, not in two workers at once
    seconds = _fill_services(services)
    connection.close()
    return seconds


def _fill_services(count: int) -> float:
    from django.db import transaction
    from django.utils import timezone

    from victory.core.vocabulary import COUNTRIES
    from victory.support.filters import GROUP_CHOICES, language_codes
    from victory.support.models import (
        Channel,
        PublicationStatus,
        ServiceOffer,
        SupportService,
        SupportServiceTranslation,
    )

    chooser = random.Random(4)  # noqa: S311  (fictional data, not security)
    countries = list(COUNTRIES)
    offers = list(ServiceOffer.values)
    groups = [code for code, _label in GROUP_CHOICES]
    languages = language_codes()
    channels = list(Channel.values)
    towns = ["Northbridge", "Eastwick", "Southmere", "Westholm", "Lakeside", "Hillcrest"]
    today = timezone.localdate()
    started = time.perf_counter()
    batch = 1_000
    for start in range(0, count, batch):
        with transaction.atomic():
            rows = SupportService.objects.bulk_create(
                SupportService(
                    slug=f"bench-service-{number:05d}",
                    name=f"Bench support service {number:05d} (fictional)",
                    organisation_name=f"Bench organisation {number % 400:03d} (fictional)",
                    country=countries[number % len(countries)],
                    region=towns[number % len(towns)],
                    offers=chooser.sample(offers, chooser.randint(1, 4)),
                    groups=chooser.sample(groups, chooser.randint(0, 3)),
                    languages=["en", *chooser.sample([code for code in languages if code != "en"], 2)],
                    channels=chooser.sample(channels, chooser.randint(1, 3)),
                    phone="+000 000 000",
                    email="help@example.org",
                    website="https://example.org/",
                    status=PublicationStatus.PUBLISHED,
                    last_reviewed_on=today,
                    is_fictional=True,
                )
                for number in range(start, min(start + batch, count))
            )
            SupportServiceTranslation.objects.bulk_create(
                SupportServiceTranslation(
                    service=row,
                    language="en",
                    description="(Fictional benchmark service) Free and confidential support for people "
                    "targeted by hate, whether or not they report it.",
                    opening_hours="Monday to Friday, 9:00 to 17:00",
                )
                for row in rows
            )
    return time.perf_counter() - started


def _cached_pages() -> int:
    from django.conf import settings
    from django.db import connection

    table = connection.ops.quote_name(settings.CACHES["pages"]["LOCATION"])  # the page store's own table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608  (a name from our settings)
        (count,) = cursor.fetchone()
    connection.close()
    return int(count)


# --- The server -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _serve(port: int, log: Path, settings_module: str) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
            [
                str(gunicorn),
                "--workers",
                str(WORKERS),
                "--bind",
                f"{HOST}:{port}",
                "--chdir",
                str(BASE_DIR),
                "--log-level",
                "warning",
                "victory.wsgi:application",
            ],
            cwd=BASE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches this script, which stops gunicorn itself
        )


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.terminate()  # gunicorn's master stops its workers gracefully
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own session: the master and its workers
        server.wait(timeout=15)


def _wait_ready(server: subprocess.Popen[bytes], port: int, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit {server.returncode}):\n{log.read_text(errors='replace')}")
        try:
            status, _seconds, _size = _get(port, BARE, timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s:\n{log.read_text(errors='replace')}")


# --- The load generator ----------------------------------------------------------------


def _get(port: int, address: str, timeout: float = 10) -> tuple[int, float, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        started = time.perf_counter()
        connection.request("GET", address)
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, body
    finally:
        connection.close()


@dataclass
class Run:
    done: int
    errors: int
    seconds: float
    latencies: list[float]
    client_cpu: float  # seconds of CPU the load generator itself used

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


def _load(port: int, address: str, requests: int, clients: int, time_limit: float) -> Run:
    """``requests`` GETs of ``address`` by ``clients`` threads; stops early at ``time_limit``."""
    lock = threading.Lock()
    remaining = [requests]
    errors = [0]
    latencies: list[float] = []
    deadline = time.perf_counter() + time_limit

    def client() -> None:
        while True:
            with lock:
                if remaining[0] <= 0 or time.perf_counter() > deadline:
                    return
                remaining[0] -= 1
            try:
                status, seconds, _size = _get(port, address)
                failed = status != 200
            except OSError:
                seconds, failed = 0.0, True
            with lock:
                if failed:
                    errors[0] += 1
                else:
                    latencies.append(seconds)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started, cpu_started = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run(len(latencies), errors[0], time.perf_counter() - started, latencies, time.process_time() - cpu_started)


# --- The run ----------------------------------------------------------------------------


def _stop_on_terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # so the ``finally`` below stops gunicorn and cleans up


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=5_000, help="published services stored before measuring")
    parser.add_argument("--requests", type=int, default=300, help="requests per target and round")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--rounds", type=int, default=9, help="times every target is measured; median ratio kept")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds after which a run is cut off")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="VICTORY_DB_CONN_MAX_AGE for gunicorn: 60 as docs/deployment.md advises; 0 opens a connection per request",
    )
    arguments = parser.parse_args()
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C, even if started with it ignored
    signal.signal(signal.SIGTERM, _stop_on_terminate)
    signal.signal(signal.SIGHUP, _stop_on_terminate)
    var_dir = _configure()
    os.environ["VICTORY_DB_CONN_MAX_AGE"] = str(arguments.conn_max_age)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        print(f"Throwaway data in {var_dir}")
        print(f"Storing {arguments.services:,} services and the shipped content …", flush=True)
        fill_seconds = _prepare(arguments.services)
        print(f"  services stored in {fill_seconds:.1f} s")
        ports = {}
        for name, settings_module in (("platform", "benchmarks.settings_bench"), ("bare", "benchmarks.settings_bare")):
            port = _free_port()
            log = var_dir / f"gunicorn-{name}.log"
            servers.append(_serve(port, log, settings_module))
            _wait_ready(servers[-1], port, log)
            ports[name] = port
            print(f"gunicorn ({name}), {WORKERS} workers, on http://{HOST}:{port}/", flush=True)
        return _measure(ports["platform"], ports["bare"], arguments)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    finally:
        for server in servers:
            _stop(server)
        shutil.rmtree(var_dir, ignore_errors=True)


BARE_ALONE = "bare view, no middleware"
BARE_STACK = "bare view, platform middleware"


def _measure(port: int, bare_port: int, arguments: argparse.Namespace) -> int:
    # Both workers of both servers load Django, translations and the bare view first.
    _load(bare_port, BARE, 200, arguments.clients, arguments.time_limit)
    _load(port, BARE, 200, arguments.clients, arguments.time_limit)

    cold: dict[str, tuple[float, float]] = {}
    cached_before = _cached_pages()
    for address in PAGES:
        status, first, body = _get(port, address, timeout=60)
        status_again, second, body_again = _get(port, address)
        expected = b"Bench support service" if "/support/" in address else b"<h1"
        if status != 200 or status_again != 200 or expected not in body or body_again != body:
            print(f"{address} answered {status} ({len(body)} bytes), then {status_again}.", file=sys.stderr)
            return 1
        cold[address] = (first, second)
    cached = _cached_pages() - cached_before
    if cached < len(PAGES):
        print(f"Only {cached} of {len(PAGES)} pages went into the cache.", file=sys.stderr)
        return 1

    targets: dict[str, tuple[int, str]] = {
        BARE_ALONE: (bare_port, BARE),
        BARE_STACK: (port, BARE),
        **{address: (port, address) for address in PAGES},
    }
    runs: dict[str, list[Run]] = {name: [] for name in targets}
    for round_number in range(arguments.rounds):
        print(f"Round {round_number + 1} of {arguments.rounds} …", flush=True)
        for name, (target_port, address) in targets.items():
            _load(target_port, address, 20, arguments.clients, arguments.time_limit)  # both workers warm on it
            runs[name].append(_load(target_port, address, arguments.requests, arguments.clients, arguments.time_limit))

    def median_run(name: str) -> Run:
        return sorted(runs[name], key=lambda run: run.rate)[len(runs[name]) // 2]

    def median_share(name: str, against: str) -> float:
        # Round by round: each run against the bare view measured moments before it.
        return statistics.median(
            run.rate / base.rate if base.rate else 0.0 for run, base in zip(runs[name], runs[against], strict=True)
        )

    failures = sum(run.errors for runs_of in runs.values() for run in runs_of)
    short = sum(run.done + run.errors < arguments.requests for runs_of in runs.values() for run in runs_of)
    print(
        f"\ngunicorn {WORKERS} sync workers; {arguments.services:,} services; {arguments.clients} clients; "
        f"{arguments.requests:,} requests per run, median of {arguments.rounds} rounds; {os.cpu_count()} cores; "
        f"database connections kept {arguments.conn_max_age} s"
    )
    print(
        f"  {'target':<38} {'cold':>9} {'2nd':>8} {'warm req/s':>11} {'median':>8} {'p95':>8}"
        "  vs bare  vs bare+middleware"
    )
    ok = failures == 0 and short == 0
    for name in targets:
        run = median_run(name)
        ordered = sorted(run.latencies)
        median = statistics.median(ordered) * 1000 if ordered else 0.0
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000 if ordered else 0.0
        spread = ", ".join(f"{other.rate:.0f}" for other in runs[name])
        timing = f"{run.rate:>11.0f} {median:>6.1f}ms {p95:>6.1f}ms"
        if name == BARE_ALONE:
            print(f"  {name:<38} {'':>9} {'':>8} {timing}  {'':>7}  {'':>18}  ({spread})")
            continue
        share = median_share(name, BARE_ALONE)
        if name == BARE_STACK:
            print(f"  {name:<38} {'':>9} {'':>8} {timing}  {share:>7.2f}  {'':>18}  ({spread})")
            continue
        first, second = cold[name]
        passed = share >= REQUIRED_SHARE
        ok = ok and passed
        print(
            f"  {name:<38} {first * 1000:>7.1f}ms {second * 1000:>6.1f}ms {timing}  {share:>7.2f}  "
            f"{median_share(name, BARE_STACK):>18.2f}  {'OK' if passed else 'TOO SLOW'}  ({spread})"
        )
    client_share = sum(run.client_cpu for runs_of in runs.values() for run in runs_of) / sum(
        run.seconds for runs_of in runs.values() for run in runs_of
    )
    print("  cold: the first request, which fills the cache; 2nd: the next one, from the cache;")
    print("  median and p95: time per request; in brackets: each round's rate; vs: the median over the rounds")
    print("  of each round's rate against that round's bare view. The load generator used")
    print(f"  {client_share:.0%} of one core meanwhile, on the same {os.cpu_count()} cores as gunicorn.")
    if failures or short:
        print(f"  {failures} request(s) failed and {short} run(s) hit the time limit.", file=sys.stderr)
    print(
        f"Every cached public page at ≥ {REQUIRED_SHARE:.2f} × the bare view without middleware: "
        f"{'yes' if ok else 'NO'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
