"""Wellness benchmark: availability for a day with 8 attendants and 200 bookings.

    .venv/bin/python bench/wellness.py                 # SQLite (temporary file)
    COOP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<your db> .venv/bin/python bench/wellness.py

Prints figures, asserts nothing (not a test). On each database (SQLite in a temporary file; PostgreSQL
at $COOP_BENCH_PG_URL, whose schema is DROPPED and rebuilt, only when set) it sets up eight attendants
working 07:00-22:00 with a lunch break, two foot spa stations and two massage beds, books 200 clients on
one day through the booking service (each booking re-checks availability, as the desk does), then asks
for the free start times of a 60-minute foot spa (station-bound) and a 30-minute manicure, 300 times
each: median and p95 of the whole call (its queries and the pure interval arithmetic).
Aim (issue 8): p95 under 20 ms on SQLite and PostgreSQL.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time as clock
from datetime import datetime, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import scratch  # noqa: E402 (removes its folders at exit)
os.environ.setdefault("COOP_INSTANCE", scratch(prefix="coop-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")

from sqlalchemy import create_engine, text  # noqa: E402

from coop import create_app  # noqa: E402
from coop.extensions import db  # noqa: E402

DAY = datetime(2030, 1, 7)  # a Monday
EARLY = DAY.replace(hour=6)


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


def fill(org_id: int) -> tuple[int, int]:
    from coop.wellness import services as wellness

    wellness.set_opening_hours(org_id, {d: (time(7), time(22)) for d in range(7)})
    wellness.set_station_count(org_id, "foot_spa", 2)
    wellness.set_station_count(org_id, "massage_bed", 2)
    foot_spa = wellness.create_service(org_id, name="Foot spa", duration_minutes=60, price=35_000, skill="foot_spa",
                                       station_kind="foot_spa")
    manicure = wellness.create_service(org_id, name="Manicure", duration_minutes=30, price=12_000, skill="nails")
    for n in range(8):
        person = wellness.create_attendant(org_id, name=f"Attendant {n}", skills=["nails", "foot_spa", "massage"])
        wellness.set_schedule(org_id, person.id, [(0, "work", time(7), time(22)), (0, "break", time(12), time(12, 30))])
    rng = random.Random(8)
    booked = 0
    while booked < 200:
        slots = wellness.availability(org_id, manicure.id, DAY.date(), now=EARLY)
        slot = slots[0] if rng.random() < 0.8 else rng.choice(slots[:6])
        wellness.book(org_id, service_id=manicure.id, starts=slot.starts, client_name=f"Client {booked}",
                      client_mobile=f"0917{booked:07d}", now=EARLY)
        booked += 1
    db.session.commit()
    return foot_spa.id, manicure.id


def measure(label: str, fn, runs: int = 300) -> None:
    fn()
    timings = []
    for _ in range(runs):
        start = clock.perf_counter()
        fn()
        timings.append((clock.perf_counter() - start) * 1000)
        db.session.rollback()
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"  {label:<44} median {statistics.median(timings):6.2f} ms   p95 {p95:6.2f} ms")


def run(url: str) -> None:
    from coop.orgs.services import create_organization
    from coop.wellness import services as wellness

    print(url.split("@")[-1] if "@" in url else "SQLite")
    app = make_app(url)
    with app.app_context():
        org = create_organization("bench", "Bench cooperative", "cooperative")
        db.session.commit()
        foot_spa, manicure = fill(org.id)
        free = len(wellness.availability(org.id, manicure, DAY.date(), now=EARLY))
        print(f"  8 attendants, 200 bookings; {free} manicure start times still free")
        measure("availability, 60-min foot spa (stations)", lambda: wellness.availability(
            org.id, foot_spa, DAY.date(), now=EARLY))
        measure("availability, 30-min manicure", lambda: wellness.availability(
            org.id, manicure, DAY.date(), now=EARLY))
        measure("day sheet (all attendants)", lambda: wellness.day_sheet(org.id, DAY.date()), runs=100)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    if args.only != "postgresql":
        run(f"sqlite:///{scratch()}/bench.sqlite")
    if args.only != "sqlite" and os.environ.get("COOP_BENCH_PG_URL"):
        run(os.environ["COOP_BENCH_PG_URL"])


if __name__ == "__main__":
    main()
