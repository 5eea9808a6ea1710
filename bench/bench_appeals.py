"""Benchmark of the 12351 appeals (issue 4): intake under load, classifier speed, KPI page time.

    .venv/bin/python bench/bench_appeals.py [--database sqlite|postgres|both] [--appeals 2000]
                                            [--clients 50] [--markdown]

For each database, in one run:

1. builds a throw-away database (SQLite file in a temp folder, or the PostgreSQL database
   ``bench_appeals`` on 127.0.0.1) with the ``ningxia`` demo organisations and three years of
   appeals (~31,000 a year, 2023–2025, plus the recent weeks);
2. times the leadership KPI page for the whole region over 2023–2025 through Django's full
   request cycle (test client), median of 7 after one warm-up, against the 300 ms limit;
3. starts gunicorn on 127.0.0.1 only and sends ``--appeals`` POST /api/v1/appeals/ from
   ``--clients`` concurrent clients (operator seats, each with its own API token), each request
   with its own Idempotency-Key; 10 % of the requests are
   sent a second time with the same key (a client retry). It stops by itself after the last
   request. Then it checks every appeal was stored exactly once, counts 5xx, and reports p50/p99
   and appeals per second against the issue's floor (200/s SQLite, 300/s PostgreSQL) and
   against the peer: the same number of bare ``GET /healthz`` round trips (one SELECT 1) from
   the same clients — the ceiling of this server on this machine. Before measuring, 2 × clients
   intake requests (not counted) warm the workers up: each loads the classifier once.
   Each client keeps its connection alive, as browsers and integrations' HTTP pools do
   (``--new-connections``: one TCP connection per request). gunicorn runs ``--workers`` (2) ×
   ``--threads`` (6), the configuration docs/operations.md recommends for two cores.
4. reports where the machine's CPU went during the intake run, per request: gunicorn's
   processes, the load generator itself, and the rest (the database server, the kernel).

The classifier's speed (ms per text on the held-out split, against the 5 ms limit) is measured
once, without a database.
"""

from __future__ import annotations

import argparse
import http.client
import json
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "bench_appeals"
BENCH_DIR = ROOT / "var" / "bench"
FLOOR = {"sqlite": 200.0, "postgres": 300.0}
KPI_LIMIT_MS = 300.0
CLASSIFY_LIMIT_MS = 5.0
RETRY_SHARE = 0.10


# --- child processes (Django reads DATABASE_URL at start) ------------------------------------


def _child_prepare() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from gonghui.accounts import seed as accounts_seed
    from gonghui.appeals import seed as appeals_seed
    from gonghui.core.management.commands.seed_demo import World
    from gonghui.orgs import seed as orgs_seed

    call_command("migrate", verbosity=0)
    world = World(scale="ningxia", rng=random.Random(2026))
    started = time.perf_counter()
    orgs_seed.seed(world)
    accounts_seed.seed(world)
    orgs_seconds = time.perf_counter() - started
    started = time.perf_counter()
    summary = appeals_seed.seed(world)
    appeals_seconds = time.perf_counter() - started
    print(
        "RESULT "
        + json.dumps(
            {
                "seed": summary,
                "orgs_seconds": round(orgs_seconds, 1),
                "appeals_seconds": round(appeals_seconds, 1),
            }
        ),
        flush=True,
    )


def _child_kpi() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a cached base from an older schema catches up
    from gonghui.accounts.models import User
    from gonghui.accounts.services import api_token_create

    hotline = User.objects.get(username="hotline")
    # One token per client: 50 operator seats, each with its own integration token.
    tokens = [api_token_create(actor=hotline, user=hotline, name=f"seat {i}")[1] for i in range(64)]
    _kpi(",".join(tokens))


def _kpi(token: str) -> None:
    from django.test import Client

    from gonghui.accounts.models import User
    from gonghui.appeals.models import Appeal

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="nx_leader"))
    url = "/console/appeals/kpi/?from=2023-01-01&to=2025-12-31"
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    received = Appeal.objects.filter(
        received_at__date__gte="2023-01-01", received_at__date__lte="2025-12-31"
    ).count()
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - t0) * 1000)
    print(
        "RESULT "
        + json.dumps(
            {
                "token": token,
                "kpi_ms": round(statistics.median(times), 1),
                "kpi_received": received,
            }
        ),
        flush=True,
    )


def _child_verify(prefix: str) -> None:
    import django

    django.setup()
    from django.db.models import Count

    from gonghui.appeals.models import Appeal

    rows = Appeal.objects.filter(idempotency_key__contains=f":{prefix}")
    stored = rows.count()
    numbers = rows.values("number").annotate(n=Count("id")).filter(n__gt=1).count()
    print("RESULT " + json.dumps({"stored": stored, "duplicate_numbers": numbers}), flush=True)


def _spawn(mode: str, env: dict[str, str], *extra: str) -> dict:
    done = subprocess.run(
        [str(PYTHON), __file__, "--child", mode, *extra],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"child {mode} failed")
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[7:])


# --- load -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(
    port: int,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict,
    conn: http.client.HTTPConnection | None = None,
) -> tuple[int, bytes, float]:
    """One round trip; on ``conn`` (kept alive, as browsers and integrations' pools do) or on a
    connection of its own."""
    t0 = time.perf_counter()
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - t0
    except (http.client.HTTPException, OSError):
        if own:
            raise
        conn.close()  # the server closed an idle keep-alive connection: send once more
        return _request(port, method, path, body, headers)
    finally:
        if own:
            conn.close()


def _cpu_seconds(root_pid: int) -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, CPU seconds of ``root_pid``'s process group)."""
    tick = os.sysconf("SC_CLK_TCK")
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    busy = sum(int(v) for i, v in enumerate(fields) if i not in (3, 4)) / tick  # not idle/iowait
    group = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parts = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(parts[2]) == root_pid:  # process group id
            group += (int(parts[11]) + int(parts[12])) / tick
    return busy, group


def _run_load(
    port: int,
    jobs: list,
    clients: int,
    tokens: list[str] | None = None,
    keep_alive: bool = False,
    server_pid: int = 0,
) -> dict:
    """Send every job from ``clients`` threads; returns latencies, statuses and the elapsed time."""
    lock = threading.Lock()
    queue = list(reversed(jobs))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    mismatches = []

    def worker(seat: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60) if keep_alive else None
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            method, path, body, headers, retry = job
            if tokens:
                headers = dict(headers, Authorization=f"Bearer {tokens[seat % len(tokens)]}")
            status, data, seconds = _request(port, method, path, body, headers, conn)
            first_number = _number(data) if method == "POST" else None
            if retry:
                status2, data2, _seconds2 = _request(port, method, path, body, headers, conn)
                if _number(data2) != first_number:
                    mismatches.append((first_number, _number(data2)))
                with lock:
                    statuses[status2] = statuses.get(status2, 0) + 1
            with lock:
                latencies.append(seconds)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    machine0, server0 = _cpu_seconds(server_pid) if server_pid else (0.0, 0.0)
    client0 = time.process_time()
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    sent = len(jobs) + sum(1 for job in jobs if job[4])
    client = time.process_time() - client0
    machine1, server1 = _cpu_seconds(server_pid) if server_pid else (0.0, 0.0)
    latencies.sort()
    return {
        "elapsed": elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "statuses": statuses,
        "mismatches": len(mismatches),
        "per_second": len(jobs) / elapsed,
        # Where the machine's CPU went during the run, in ms per request sent.
        "cpu_ms": {
            "server": (server1 - server0) * 1000 / sent,
            "client": client * 1000 / sent,
            "rest": (machine1 - machine0 - (server1 - server0) - client) * 1000 / sent,
        },
    }


def _number(data: bytes) -> str | None:
    try:
        return json.loads(data).get("number")
    except (ValueError, AttributeError):
        return None


def _intake_jobs(n: int, token: str, prefix: str) -> list:
    sys.path.insert(0, str(ROOT))
    from gonghui.appeals.classify import load_corpus

    texts = [text for text, _c in load_corpus()]
    counties = ["640104", "640105", "640106", "640202", "640302", "640402", "640502"]
    rng = random.Random(11)
    jobs = []
    for i in range(n):
        body = {
            "caller_name": "测试职工",
            "phone": f"139{rng.randrange(10**8):08d}",
            "division": rng.choice(counties),
            "facts": rng.choice(texts),
            "request_type": rng.choice(["consultation", "help", "complaint", "legal_aid"]),
        }
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": f"{prefix}{i}",
        }
        jobs.append(
            (
                "POST",
                "/api/v1/appeals/",
                json.dumps(body).encode(),
                headers,
                rng.random() < RETRY_SHARE,
            )
        )
    return jobs


def _gunicorn(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            if _request(port, "GET", "/healthz", None, {})[0] == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start: " + (process.stderr.read() or b"").decode()[-2000:])


def _server_env(env: dict[str, str], var_dir: Path) -> dict[str, str]:
    """Production-like settings for gunicorn: debug off, keys from the bench's key file."""
    keys = json.loads((var_dir / "keys.json").read_text())
    return dict(
        env,
        **keys,
        GONGHUI_DEBUG="0",
        GONGHUI_ALLOWED_HOSTS="127.0.0.1",
        GONGHUI_SSL_REDIRECT="0",
        GONGHUI_SECURE_COOKIES="0",
        GONGHUI_MANIFEST_STATIC="0",
        GONGHUI_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )


def bench_database(database: str, args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bench-appeals-"))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    keys = BENCH_DIR / "appeals-keys.json"
    if keys.exists():  # the cached base database was encrypted with these keys
        shutil.copyfile(keys, tmp / "keys.json")
    env = dict(
        os.environ,
        GONGHUI_DEBUG="1",
        GONGHUI_VAR_DIR=str(tmp),
        DJANGO_SETTINGS_MODULE="config.settings",
        GONGHUI_LOG_LEVEL="WARNING",
    )
    reuse = keys.exists() and not args.rebuild
    if database == "sqlite":
        base = BENCH_DIR / "appeals-base.sqlite3"
        reuse = reuse and base.exists()
        if reuse:
            shutil.copyfile(base, tmp / "bench.sqlite3")
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        base_name = f"{PG_NAME}_base"
        exists = subprocess.run(
            ["psql", PG_ADMIN, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{base_name}'"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        reuse = reuse and bool(exists)
        subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {PG_NAME}"], check=True)
        template = f" TEMPLATE {base_name}" if reuse else ""
        subprocess.run(
            ["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {PG_NAME}{template}"], check=True
        )
        env["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_NAME
    if reuse:
        print(f"[{database}] reusing the seeded base (--rebuild to seed again)", flush=True)
        seeded = json.loads((BENCH_DIR / f"appeals-seed-{database}.json").read_text())
    else:
        print(f"[{database}] seeding three years of appeals…", flush=True)
        seeded = _spawn("prepare", env)
        (BENCH_DIR / f"appeals-seed-{database}.json").write_text(json.dumps(seeded))
        shutil.copyfile(tmp / "keys.json", keys)
        if database == "sqlite":
            _sqlite_copy(tmp / "bench.sqlite3", BENCH_DIR / "appeals-base.sqlite3")
        else:
            subprocess.run(
                ["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {PG_NAME}_base"], check=True
            )
            subprocess.run(
                ["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {PG_NAME}_base TEMPLATE {PG_NAME}"],
                check=False,
            )
    prepared = seeded | _spawn("kpi", env)
    print(f"[{database}] {prepared['seed']}; KPI {prepared['kpi_ms']} ms", flush=True)
    port = _free_port()
    server = _gunicorn(_server_env(env, tmp), port, args.workers, args.threads)
    try:
        # Warm-up (not counted): each worker loads the classifier on its first intake.
        tokens = prepared["token"].split(",")
        ka = not args.new_connections
        _run_load(
            port, _intake_jobs(args.clients * 2, tokens[0], "warm-"), args.clients, tokens, ka
        )
        peer_jobs = [("GET", "/healthz", None, {}, False)] * args.appeals
        peer = _run_load(port, peer_jobs, args.clients, None, ka, server.pid)
        prefix = f"bench-{int(time.time())}-"
        jobs = _intake_jobs(args.appeals, tokens[0], prefix)
        ours = _run_load(port, jobs, args.clients, tokens, ka, server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    verified = _spawn("verify", env, "--prefix", prefix)
    if database == "postgres":
        subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {PG_NAME}"], check=False)
    shutil.rmtree(tmp, ignore_errors=True)
    return {"prepared": prepared, "peer": peer, "ours": ours, "verified": verified}


def _sqlite_copy(source: Path, target: Path) -> None:
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def bench_classifier() -> dict:
    sys.path.insert(0, str(ROOT))
    from gonghui.appeals.classify import default_model, load_corpus

    model = default_model()
    test = load_corpus("test")
    model.predict(test[0][0])
    t0 = time.perf_counter()
    right = sum(model.predict(text).category == label for text, label in test)
    per_text = (time.perf_counter() - t0) * 1000 / len(test)
    return {"ms_per_text": per_text, "accuracy": right / len(test), "n": len(test)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--appeals", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=6, help="threads per gunicorn worker")
    parser.add_argument(
        "--new-connections",
        action="store_true",
        help="one TCP connection per request instead of one kept-alive connection per client",
    )
    parser.add_argument("--rebuild", action="store_true", help="seed the base database again")
    parser.add_argument("--child")
    parser.add_argument("--prefix", default="")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        modes = {"prepare": _child_prepare, "kpi": _child_kpi}
        modes.get(args.child, lambda: _child_verify(args.prefix))()
        return
    classifier = bench_classifier()
    print(
        f"classifier: {classifier['ms_per_text']:.3f} ms per text (limit {CLASSIFY_LIMIT_MS} ms, "
        f"ratio {classifier['ms_per_text'] / CLASSIFY_LIMIT_MS:.3f}), "
        f"held-out accuracy {classifier['accuracy']:.1%} on {classifier['n']} texts"
    )
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for database in databases:
        r = bench_database(database, args)
        ours, peer, prep, ver = r["ours"], r["peer"], r["prepared"], r["verified"]
        five = sum(n for s, n in ours["statuses"].items() if s >= 500)
        print(
            f"[{database}] seed: {prep['seed']} (orgs {prep['orgs_seconds']} s, appeals "
            f"{prep['appeals_seconds']} s)\n"
            f"[{database}] KPI page, region, 2023–2025 ({prep['kpi_received']} appeals): "
            f"{prep['kpi_ms']} ms (limit {KPI_LIMIT_MS} ms, ratio {prep['kpi_ms'] / KPI_LIMIT_MS:.2f})\n"
            f"[{database}] intake: {args.appeals} appeals, {args.clients} clients, "
            f"{args.workers} gunicorn workers × {args.threads} threads: {ours['per_second']:.0f}/s "
            f"(floor {FLOOR[database]:.0f}/s, ratio {ours['per_second'] / FLOOR[database]:.2f}), "
            f"p50 {ours['p50_ms']:.0f} ms, p99 {ours['p99_ms']:.0f} ms, statuses {ours['statuses']}, "
            f"5xx {five}, retries answered with another number {ours['mismatches']}\n"
            f"[{database}] CPU per request (ms): gunicorn {ours['cpu_ms']['server']:.2f}, "
            f"load generator {ours['cpu_ms']['client']:.2f}, rest of the machine (database "
            f"server, kernel) {ours['cpu_ms']['rest']:.2f}\n"
            f"[{database}] stored exactly once: {ver['stored']} of {args.appeals} "
            f"(duplicate numbers {ver['duplicate_numbers']})\n"
            f"[{database}] peer GET /healthz: {peer['per_second']:.0f}/s, p50 {peer['p50_ms']:.0f} ms "
            f"— intake runs at {ours['per_second'] / peer['per_second']:.2f} of the bare round trip",
            flush=True,
        )


if __name__ == "__main__":
    main()
