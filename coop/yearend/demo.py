"""Last year on the demo cooperative's books, so the demo can close it and allocate its net surplus end to
end: members buying rice through the year (and a walk-in buyer), the year's other income and expense.
The year is left open: an officer asks to close it, officer2 approves, then the allocation is proposed."""
from __future__ import annotations

from datetime import date, timedelta

from ..inventory import services as store
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..members import services as members
from ..timeutil import today


def seed(coop_id: int, _ngo_id: int, users: dict) -> None:
    officer = users["officer"].id
    year = today().year - 1
    first, last = date(year, 1, 2), date(year, 12, 15)
    buyers = sorted((min(last, member.admitted_on + timedelta(days=14)), member.id)
                    for member in members.search_members(coop_id, limit=200)
                    if member.admitted_on is not None and member.admitted_on + timedelta(days=14) <= last)
    supplier = store.create_supplier(coop_id, name="NFA rice dealer (last year)", actor_id=officer)
    rice = store.create_product(coop_id, actor_id=officer, code="RICE-LY", name="Rice, last year's stock",
                                category="Rice", unit="kg", sale_price=55_00)
    kilos = 150 * len(buyers) + 400
    store.record_purchase(coop_id, supplier_id=supplier.id, received_on=first, payment="account",
                          items=[store.PurchaseItem(rice.id, kilos * 1000, 45_00, False)], actor_id=officer)
    sales = [(on, member_id, 150) for on, member_id in buyers] + [(date(year, 6, 1), None, 400)]
    for on, member_id, weight in sorted(sales, key=lambda sale: sale[0]):
        store.record_sale(coop_id, items=[store.SaleItem(store.product_ref(rice.id), weight * 1000)], on=on,
                          payment="cash", actor_id=officer, member_id=member_id)
    for day, memo, lines in (
            (date(year, 6, 30), "Interest on the bank deposit, first half", (
                Line("cash_in_bank", debit=1_200_00), Line("interest_income_deposits", credit=1_200_00))),
            (date(year, 11, 30), "Rent of the store room for the year", (
                Line("rent", debit=6_000_00), Line("cash_in_bank", credit=6_000_00))),
            (date(year, 12, 20), "Light and water for the year", (
                Line("utilities", debit=2_400_00), Line("cash_in_bank", credit=2_400_00)))):
        ledger.post(Entry(coop_id, day, memo, lines, source="demo", idempotency_key=f"demo-yearend-{day}"), officer)
