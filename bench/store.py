"""Store benchmark: prints figures, asserts nothing (not a test).

    .venv/bin/python bench/store.py                        # SQLite, and PostgreSQL if reachable
    COOP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_store .venv/bin/python bench/store.py
    .venv/bin/python bench/store.py --sales 300 --movements 100000   # a quicker run

On each database (SQLite in a temporary file; PostgreSQL at $COOP_BENCH_PG_URL, whose schema is
DROPPED and rebuilt, skipped when unreachable):
- cash sales per second through `inventory.services.record_sale` (two products: row locks, average
  cost, stock card, one ledger entry, an official receipt) beside `ledger.post` of the same
  four-line entry in the same run, and the ratio (the store's overhead);
- the stock valuation report (`reports.stock_on_hand`) at --products products and --movements
  stock-card lines: now (one row per product) and as of a past date (grouped over the card).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import scratch  # noqa: E402 (removes its folders at exit)
os.environ.setdefault("COOP_INSTANCE", scratch(prefix="coop-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")

from sqlalchemy import insert, text  # noqa: E402

from _common import make_app, reachable  # noqa: E402
from coop.extensions import db  # noqa: E402
from coop.inventory import reports  # noqa: E402
from coop.inventory import services as store  # noqa: E402
from coop.inventory.models import Product, StockMovement  # noqa: E402
from coop.ledger import services as ledger  # noqa: E402
from coop.ledger.records import Entry, Line  # noqa: E402
from coop.timeutil import utcnow  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test_store"
DAY = date(2026, 1, 5)
CHUNK = 5000




def sales_rate(org_id: int, officer_id: int | None, sales: int) -> tuple[float, float]:
    supplier = store.create_supplier(org_id, name="Bench supplier", actor_id=None)
    products = [store.create_product(org_id, actor_id=None, code=f"B{n}", name=f"Bench item {n}", sale_price=25_00)
                for n in range(2)]
    store.record_purchase(org_id, supplier_id=supplier.id, received_on=DAY, payment="cash", actor_id=None,
                          items=[store.PurchaseItem(p.id, sales * 3_000, 17_33) for p in products])
    db.session.commit()
    refs = [store.product_ref(p.id) for p in products]
    started = time.perf_counter()
    for n in range(sales):
        store.record_sale(org_id, items=[store.SaleItem(refs[0], 1_000), store.SaleItem(refs[1], 2_000)], on=DAY,
                          payment="cash", actor_id=officer_id, idempotency_key=f"bench-sale-{n}")
        db.session.commit()
    store_rate = sales / (time.perf_counter() - started)
    started = time.perf_counter()
    for n in range(sales):
        ledger.post(Entry(org_id, DAY, f"Bench entry {n}", (
            Line("cash_on_hand", debit=75_00), Line("sales", credit=75_00), Line("cost_of_sales", debit=51_99),
            Line("merchandise_inventory", credit=51_99)), source="bench", idempotency_key=f"bench-post-{n}"), None)
        db.session.commit()
    return store_rate, sales / (time.perf_counter() - started)


def fill_stock_cards(org_id: int, products: int, movements: int) -> None:
    """Products and stock-card lines written straight in (the report reads only these tables)."""
    now = utcnow()
    db.session.execute(insert(Product.__table__), [
        {"org_id": org_id, "code": f"P{n:05d}", "name": f"Product {n:05d}", "category": f"Category {n % 20}",
         "unit": "pc", "units_per_purchase": 1000, "sale_price": 10_00 + n % 900, "reorder_level": 5_000,
         "active": True, "qty_on_hand": 0, "stock_value": 0, "created_at": now} for n in range(products)])
    ids = [row[0] for row in db.session.execute(text("SELECT id FROM store_product WHERE org_id = :o AND code LIKE 'P%'"),
                                                 {"o": org_id})]
    db.session.commit()
    on_hand = {pid: [0, 0] for pid in ids}
    for start in range(0, movements, CHUNK):
        rows = []
        for n in range(start, min(start + CHUNK, movements)):
            pid = ids[n % len(ids)]
            qty, value = on_hand[pid]
            change, cost = (10_000, 150_00) if n % 3 == 0 or qty < 2_000 else (-2_000, -(value * 2_000 // qty))
            rows.append({"org_id": org_id, "product_id": pid, "moved_on": DAY + timedelta(days=n * 400 // movements),
                         "kind": "purchase" if change > 0 else "sale", "qty_change": change, "value_change": cost,
                         "qty_before": qty, "value_before": value, "qty_after": qty + change,
                         "value_after": value + cost, "created_at": now})
            on_hand[pid] = [qty + change, value + cost]
        db.session.execute(insert(StockMovement.__table__), rows)
        db.session.commit()
    for pid, (qty, value) in on_hand.items():
        db.session.execute(text("UPDATE store_product SET qty_on_hand = :q, stock_value = :v WHERE id = :i"),
                           {"q": qty, "v": value, "i": pid})
    db.session.commit()


def timed(fn, repeat: int = 3) -> float:
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def run(url: str, name: str, args) -> None:
    app = make_app(url)
    with app.app_context():
        from coop.orgs.services import create_organization

        org = create_organization("bench-store", "Bench store", "cooperative")
        db.session.commit()
        store_rate, post_rate = sales_rate(org.id, None, args.sales)
        print(f"{name}: {store_rate:7.1f} sales/s through the store; {post_rate:7.1f} entries/s through ledger.post "
              f"alone; store overhead x{post_rate / store_rate:.2f}")
        other = create_organization("bench-cards", "Bench cards", "cooperative")
        db.session.commit()
        started = time.perf_counter()
        fill_stock_cards(other.id, args.products, args.movements)
        print(f"{name}: wrote {args.products:,} products and {args.movements:,} stock-card lines in "
              f"{time.perf_counter() - started:.1f} s")
        now = timed(lambda: reports.stock_on_hand(other.id))
        past = timed(lambda: reports.stock_on_hand(other.id, DAY + timedelta(days=200)))
        print(f"{name}: stock valuation now {now * 1000:.0f} ms; as of a past date {past * 1000:.0f} ms")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sales", type=int, default=1000)
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--movements", type=int, default=1_000_000)
    args = parser.parse_args()
    run(f"sqlite:///{scratch(prefix='coop-bench-')}/bench.sqlite", "SQLite", args)
    pg = os.environ.get("COOP_BENCH_PG_URL", DEFAULT_PG)
    if reachable(pg):
        run(pg, "PostgreSQL", args)
    else:
        print("PostgreSQL: not reachable, skipped")


if __name__ == "__main__":
    main()
