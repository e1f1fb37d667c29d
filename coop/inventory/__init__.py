"""The cooperative store: catalogue, suppliers, purchases, stock, point of sale.

Other domains sell through the point of sale by declaring a source in their manifest: see
`coop.inventory.pos.PosSource`, whose module documents the contract.
"""
