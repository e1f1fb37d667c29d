"""The store's suppliers and products."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from ...audit import services as audit
from ...errors import Invalid
from ...extensions import db
from ...kernel import get_in_org
from ...ledger import services as ledger
from ..models import Product, Supplier
from .stock import PAYABLE

# ---------------------------------------------------------------- suppliers


def create_supplier(org_id: int, *, name: str, actor_id: int | None, **details) -> Supplier:
    name = (name or "").strip()
    if not name:
        raise Invalid("Give the supplier's name.", field="name")
    if db.session.scalar(select(Supplier.id).where(Supplier.org_id == org_id, func.lower(Supplier.name) == name.lower())):
        raise Invalid("A supplier named %(name)s already exists.", field="name", values={"name": name})
    supplier = Supplier(org_id=org_id, name=name, **details)
    db.session.add(supplier)
    db.session.flush()
    supplier.party_id = ledger.ensure_party(org_id, "supplier", supplier.id, supplier.label)
    audit.record("store.supplier.add", org_id=org_id, user_id=actor_id, target_type="store_supplier",
                 target_id=supplier.id)
    return supplier


def update_supplier(org_id: int, supplier_id: int, *, actor_id: int | None, **changes) -> Supplier:
    supplier = get_supplier(org_id, supplier_id)
    if "name" in changes:
        name = (changes.pop("name") or "").strip()
        clash = db.session.scalar(select(Supplier.id).where(Supplier.org_id == org_id, Supplier.id != supplier.id,
                                                            func.lower(Supplier.name) == name.lower()))
        if not name or clash:
            raise Invalid("Give the supplier a name no other supplier has.", field="name")
        supplier.name = name
    for key, value in changes.items():
        setattr(supplier, key, value)
    db.session.flush()
    audit.record("store.supplier.update", org_id=org_id, user_id=actor_id, target_type="store_supplier",
                 target_id=supplier.id)
    return supplier


def get_supplier(org_id: int, supplier_id: int, *, lock: bool = False) -> Supplier:
    return get_in_org(Supplier, org_id, supplier_id, "No such supplier.", field="supplier_id", lock=lock)


def list_suppliers(org_id: int, active_only: bool = False) -> list[Supplier]:
    query = select(Supplier).where(Supplier.org_id == org_id)
    if active_only:
        query = query.where(Supplier.active.is_(True))
    return list(db.session.scalars(query.order_by(Supplier.name)))


def amount_owed(org_id: int, supplier: Supplier) -> int:
    """What the cooperative owes the supplier now: one balance row in the ledger."""
    return ledger.party_balance(org_id, PAYABLE, supplier.party_id).credit_balance if supplier.party_id else 0


# ---------------------------------------------------------------- products


def create_product(org_id: int, *, actor_id: int | None, **data) -> Product:
    _check_product_fields(org_id, None, data)
    product = Product(org_id=org_id, **data)
    db.session.add(product)
    db.session.flush()
    audit.record("store.product.add", org_id=org_id, user_id=actor_id, target_type="store_product", target_id=product.id)
    return product


def update_product(org_id: int, product_id: int, *, actor_id: int | None, **changes) -> Product:
    product = get_product(org_id, product_id)
    _check_product_fields(org_id, product.id, changes)
    for key, value in changes.items():
        setattr(product, key, value)
    db.session.flush()
    audit.record("store.product.update", org_id=org_id, user_id=actor_id, target_type="store_product",
                 target_id=product.id, details={k: v for k, v in changes.items() if k in ("sale_price", "active")})
    return product


def _check_product_fields(org_id: int, product_id: int | None, data: dict) -> None:
    others = [Product.org_id == org_id] + ([Product.id != product_id] if product_id else [])
    if data.get("code") and db.session.scalar(select(Product.id).where(*others, Product.code == data["code"])):
        raise Invalid("Code %(code)s is already used by another product.", field="code",
                      values={"code": data['code']})
    if data.get("barcode") and db.session.scalar(select(Product.id).where(*others, Product.barcode == data["barcode"])):
        raise Invalid("Barcode %(barcode)s is already on another product.", field="barcode",
                      values={"barcode": data['barcode']})
    if "sale_price" in data and (data["sale_price"] is None or data["sale_price"] <= 0):
        raise Invalid("The sale price must be more than zero.", field="sale_price")
    if data.get("purchase_unit") and data.get("units_per_purchase", 1) <= 0:
        raise Invalid("Say how many units of sale are in one purchase unit.", field="units_per_purchase")


def get_product(org_id: int, product_id: int) -> Product:
    return get_in_org(Product, org_id, product_id, "No such product.", field="product_id")


def list_products(org_id: int, *, text: str | None = None, active_only: bool = False, category: str | None = None,
                  limit: int | None = None) -> list[Product]:
    query = select(Product).where(Product.org_id == org_id)
    if active_only:
        query = query.where(Product.active.is_(True))
    if category:
        query = query.where(Product.category == category)
    if text:
        like = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(Product.name).like(like), func.lower(Product.code).like(like),
                                Product.barcode == text.strip()))
    query = query.order_by(Product.name)
    return list(db.session.scalars(query.limit(limit) if limit else query))


def categories(org_id: int) -> list[str]:
    return list(db.session.scalars(select(Product.category).where(Product.org_id == org_id).distinct()
                                   .order_by(Product.category)))
