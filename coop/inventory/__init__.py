"""The cooperative store: catalogue, suppliers, purchases, stock, point of sale.

Other domains sell through the point of sale by registering a source: see `coop.inventory.pos`
(`register_pos_source`), which documents the contract.
"""


def register(app) -> None:
    from . import models  # noqa: F401
