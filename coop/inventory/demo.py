"""A realistic small store for the demo cooperative: deliveries and sales over the past weeks."""
from __future__ import annotations

import random
from datetime import timedelta

from ..members import services as members
from ..timeutil import today
from . import services

SUPPLIERS = (
    ("Mindoro Rice Traders", "Mang Berto", "0917 555 0101", "Calapan City, Oriental Mindoro"),
    ("Metro Consumer Goods Distributor", "Ms. Aileen", "0918 555 0202", "Sta. Mesa, Manila"),
    ("San Pablo Condiments Wholesale", "Mr. Dizon", "0919 555 0303", "San Pablo City, Laguna"),
    ("Taytay Garments Tiangge", "Aling Nena", "0920 555 0404", "Taytay, Rizal"),
)

# code, name, category, unit, price, purchase unit, units per purchase unit, reorder level, supplier, cost per purchase unit
PRODUCTS = (
    ("RICE-WM", "Well-milled rice", "Rice", "kg", 48_00, "sack", 50, 100, 0, 2_150_00),
    ("RICE-PR", "Premium rice (Dinorado)", "Rice", "kg", 58_00, "sack", 50, 50, 0, 2_650_00),
    ("SOAP-BAR", "Laundry bar soap (390 g)", "Soap and cleaning", "pc", 32_00, "box", 48, 24, 1, 1_296_00),
    ("SOAP-PWD", "Detergent powder (1 kg)", "Soap and cleaning", "pack", 89_00, "box", 12, 12, 1, 912_00),
    ("DISH-LIQ", "Dishwashing liquid (250 ml)", "Soap and cleaning", "bottle", 42_00, "box", 24, 12, 1, 816_00),
    ("SHAMPOO-S", "Shampoo sachet", "Beauty and personal care", "pc", 8_00, "box", 144, 72, 1, 864_00),
    ("LOTION", "Body lotion (200 ml)", "Beauty and personal care", "bottle", 115_00, "box", 12, 6, 1, 1_080_00),
    ("POWDER", "Baby powder (100 g)", "Beauty and personal care", "pc", 55_00, "box", 24, 12, 1, 1_032_00),
    ("SOY-1L", "Soy sauce (1 L)", "Condiments", "bottle", 48_00, "case", 12, 12, 2, 456_00),
    ("VIN-1L", "Cane vinegar (1 L)", "Condiments", "bottle", 42_00, "case", 12, 12, 2, 396_00),
    ("PATIS", "Fish sauce (750 ml)", "Condiments", "bottle", 52_00, "case", 12, 6, 2, 480_00),
    ("SUGAR", "Brown sugar", "Condiments", "kg", 78_00, "sack", 50, 20, 2, 3_500_00),
    ("SALT", "Iodized salt (500 g)", "Condiments", "pack", 18_00, "bundle", 24, 12, 2, 312_00),
    ("TSHIRT", "Cotton T-shirt (adult)", "Clothing", "pc", 150_00, None, 1, 10, 3, 95_00),
    ("DUSTER", "House dress (duster)", "Clothing", "pc", 180_00, None, 1, 6, 3, 115_00),
)


def seed(coop_id: int, _ngo_id: int, users: dict) -> None:
    officer = users["officer"].id
    rng = random.Random(2009)
    start = today() - timedelta(days=28)
    suppliers = [services.create_supplier(coop_id, name=name, contact_person=contact, phone=phone, address=address,
                                          actor_id=officer) for name, contact, phone, address in SUPPLIERS]
    products = []
    for code, name, category, unit, price, bulk_unit, per, reorder, supplier, cost in PRODUCTS:
        product = services.create_product(coop_id, actor_id=officer, code=code, name=name, category=category, unit=unit,
                                          sale_price=price, purchase_unit=bulk_unit, units_per_purchase=per * 1000,
                                          reorder_level=reorder * 1000)
        products.append((product, supplier, cost))
    # two deliveries from each supplier, the first in cash, the second on account
    deliveries: dict[int, list] = {}
    for week, payment in ((0, "cash"), (2, "account")):
        for n, supplier in enumerate(suppliers):
            items = [services.PurchaseItem(p.id, rng.choice((2, 3, 4)) * 1000 if p.purchase_unit else 20_000,
                                           cost + rng.choice((0, 0, 25_00)) if p.purchase_unit else cost,
                                           bool(p.purchase_unit))
                     for p, s, cost in products if s == n]
            deliveries.setdefault(7 * week + n, []).append((week, n, supplier, payment, items))
    # day by day, in the order things happened: the stock card and the books are never backdated
    for day in range(0, 28):
        on = start + timedelta(days=day)
        for week, n, supplier, payment, items in deliveries.get(day, ()):
            services.record_purchase(coop_id, supplier_id=supplier.id, received_on=on, payment=payment, items=items,
                                     reference=f"DR-{1200 + 10 * week + n}", actor_id=officer,
                                     idempotency_key=f"demo-store-purchase-{week}-{n}")
        if day == 20:
            services.pay_supplier(coop_id, supplier_id=suppliers[1].id, amount=5_000_00, paid_on=on,
                                  paid_from="cash_in_bank", reference="Check 004512", actor_id=officer,
                                  idempotency_key="demo-store-pay-1")
        for n in range(rng.randint(2, 5) if day else 0):
            basket = rng.sample(products, rng.randint(1, 3))
            items = [services.SaleItem(services.product_ref(p.id), (rng.choice((1, 2, 3, 5)) if p.unit == "kg"
                                                                     else rng.randint(1, 3)) * 1000)
                     for p, _s, _c in basket if p.qty_on_hand > 5_000]
            if items:
                services.record_sale(coop_id, items=items, on=on, payment="cash", actor_id=officer,
                                     idempotency_key=f"demo-store-sale-{day}-{n}")
        if on == today() - timedelta(days=3):
            _credit_sales(coop_id, officer, products, start, rng)
        if day == 25:
            soap = products[2][0]
            services.adjust_stock(coop_id, product_id=soap.id, kind="damage", quantity=2000, on=on,
                                  reason="Wrappers torn by rats in the storeroom", actor_id=officer,
                                  idempotency_key="demo-store-adjust-1")
        if day == 27:
            rice = products[0][0]
            services.adjust_stock(coop_id, product_id=rice.id, kind="count", quantity=rice.qty_on_hand - 1500,
                                  on=on, reason="Month-end count: spillage from a torn sack",
                                  actor_id=officer, idempotency_key="demo-store-count-1")


def _credit_sales(coop_id: int, officer: int, products, start, rng) -> None:
    """A few members in good standing take goods on commodity credit (the loans domain holds the loans)."""
    on = today() - timedelta(days=3)
    taken = 0
    for member in members.search_members(coop_id, status="active", limit=8):
        if taken == 3 or not members.standing(coop_id, member.id, on).good:
            continue
        rice, soap, soy = products[0][0], products[2][0], products[8][0]
        items = [services.SaleItem(services.product_ref(p.id), qty) for p, qty in ((rice, 10_000), (soap, 4_000),
                                                                                   (soy, 2_000))]
        services.record_sale(coop_id, items=items, on=on, payment="credit", member_id=member.id, actor_id=officer,
                             idempotency_key=f"demo-store-credit-{member.id}")
        taken += 1
