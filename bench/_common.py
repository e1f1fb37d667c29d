"""What every benchmark needs: a fresh migrated app on a URL, whether PostgreSQL answers, a baseline
engine tuned as coop tunes its own, a login through the real form, and figures printed with the load."""
from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from coop import _tune_engine, create_app  # noqa: E402

_scratch: list[str] = []


def scratch(prefix: str = "coop-bench-") -> str:
    """A temporary folder, removed with everything in it when the benchmark exits (or fails)."""
    if not _scratch:
        _scratch.append(tempfile.mkdtemp(prefix="coop-bench-"))
        atexit.register(shutil.rmtree, _scratch[0], True)
    return tempfile.mkdtemp(prefix=prefix, dir=_scratch[0])


def make_app(url: str):
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
    return app


def reachable(url: str) -> bool:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # any failure to connect means: skip PostgreSQL
        return False


DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/coop_bench"


def on_each_engine(run, sqlite_url: str, only: str | None, *extra) -> None:
    """`run(name, url, *extra)` on SQLite, then on PostgreSQL at $COOP_BENCH_PG_URL when it answers (`--only` picks one)."""
    if only != "postgresql":
        run("SQLite", sqlite_url, *extra)
    if only != "sqlite":
        url = os.environ.get("COOP_BENCH_PG_URL", DEFAULT_PG)
        if reachable(url):
            run("PostgreSQL", url, *extra)
        else:
            print(f"\n== PostgreSQL: {url} is unreachable, skipped (set COOP_BENCH_PG_URL)")


def tune_like_coop(engine) -> None:
    """A baseline's engine with coop's own settings (SQLite: WAL, synchronous=NORMAL, busy timeout,
    BEGIN IMMEDIATE to write), so that a ratio compares the code, not the durability."""
    _tune_engine(engine)


def login(client, username: str, password: str) -> None:
    """Sign in through the login form, its CSRF token included, as a browser does."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token.group(1) if token else ""})
    assert response.status_code == 303, (response.status_code, response.get_data(as_text=True)[:300])


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def figure(measured: dict) -> str:
    """rps and latency percentiles with the load average when they were measured."""
    return (f"{measured['rps']:,.0f} rps, p50 {measured['p50']:.1f} ms, p95 {measured['p95']:.1f} ms, "
            f"p99 {measured['p99']:.1f} ms ({'load %.2f' % measured['load']})")


def ratio(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.2f} ({load()})" if baseline else "n/a"


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a process on this machine has used; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
    except (OSError, IndexError, ValueError):
        return 0.0


class CpuMeter:
    """CPU seconds used by some processes of this machine (default: this one) and, for a PostgreSQL URL, by the
    server's backends connected to its database (the database's side of the work, which wall time under load
    cannot show). `meter.read()` is a running total; read it before and after what is measured.
    The backends are listed on every read (a connection opened meanwhile counts from its own start); the
    backend asking the list is left out."""

    def __init__(self, url: str | None = None, pids: tuple[int, ...] | None = None):
        self.pids = pids
        self.engine = create_engine(url) if url and url.startswith("postgresql") else None
        self.seen: dict[int, float] = {}

    def _backends(self) -> list[int]:
        with self.engine.connect() as connection:
            return list(connection.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )).scalars())

    def read(self) -> float:
        own = sum(cpu_of(pid) for pid in self.pids) if self.pids is not None else time.process_time()
        if self.engine is None:
            return own
        for pid in self._backends():
            self.seen[pid] = cpu_of(pid)  # a backend that ended keeps its last reading
        return own + sum(self.seen.values())

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
