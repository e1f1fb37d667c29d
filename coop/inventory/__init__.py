"""The cooperative store: catalogue, suppliers, purchases, stock, point of sale."""


def register(app) -> None:
    pass
