"""What the point of sale can sell besides the store's own products: a registry other domains plug into.

The store's products are item refs "p:<product id>". Another domain (consignment: members' own
products, Avon items, which are NOT the cooperative's inventory) registers a source under its own
prefix, in its manifest (`pos_sources=(SOURCE,)`):

    from coop.inventory.pos import PosItem, PosSource

    SOURCE = PosSource(
        prefix="c",                      # its item refs are "c:<anything>"
        search=search,                   # (org_id, text, limit) -> list[PosItem]; text may be a barcode
        item=item,                       # (org_id, item_ref) -> PosItem; raise a CoopError if unknown/unsellable
        lines_for_sale=lines_for_sale,   # (org_id, item_ref, qty, amount, on) -> tuple[Line, ...]
        after_sale=after_sale,           # (org_id, item_ref, qty, sale_id, actor_id) -> None
    )

Quantities are ints of thousandths of the item's unit (2 pieces = 2000); money is centavos.
`amount` is what the buyer pays for the line (qty x price, rounded to the centavo). The lines a
source returns must credit exactly `amount` net (e.g. Cr consignment payable to the principal,
Cr commission income); the store adds the debit side (cash, or the member's commodity loan) and
posts ONE entry for the whole sale, store goods and consigned goods together.
`lines_for_sale` runs before anything is written: lock your rows there and raise a CoopError
(e.g. not enough on hand) to refuse the whole sale. `after_sale` runs after the entry is posted,
in the same transaction: record your own quantities (sale_id links back to the store's sale).
Returns at the store cover the store's own products only; consigned items are returned through
their own domain.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from ..errors import NotFound
from ..manifest import plugins
from ..ledger.records import Line

STORE_PREFIX = "p"


@dataclass(frozen=True)
class PosItem:
    ref: str  # "<prefix>:<id>"
    code: str
    name: str
    unit: str
    price: int  # centavos per unit
    available: int | None  # thousandths on hand, None when not counted
    barcode: str | None = None
    note: str | None = None  # shown beside the name, e.g. "Consigned: Avon"


@dataclass(frozen=True)
class PosSource:
    prefix: str
    search: Callable[[int, str, int], list[PosItem]]
    item: Callable[[int, str], PosItem]
    lines_for_sale: Callable[[int, str, int, int, date], tuple[Line, ...]]
    after_sale: Callable[[int, str, int, int, int | None], None]

    def __post_init__(self):
        check_prefix(self.prefix)


def check_prefix(prefix: str) -> str:
    if prefix == STORE_PREFIX or not prefix or ":" in prefix:
        raise ValueError(f"POS prefix {prefix!r} is reserved or malformed")
    return prefix


def split_ref(ref: str) -> tuple[str, str]:
    prefix, _, rest = (ref or "").partition(":")
    if not rest:
        raise NotFound("Unknown item %(ref)s.", field="item", values={"ref": ref})
    return prefix, rest


def source_for(ref: str) -> PosSource:
    prefix, _ = split_ref(ref)
    source = plugins().pos_sources.get(prefix)
    if source is None:
        raise NotFound("Unknown item %(ref)s.", field="item", values={"ref": ref})
    return source


def search_other_sources(org_id: int, text: str, limit: int) -> list[PosItem]:
    found: list[PosItem] = []
    for source in plugins().pos_sources.values():
        found.extend(source.search(org_id, text, limit))
    return found[:limit]
