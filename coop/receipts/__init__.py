"""Official receipts: numbers sequential per organization with no gaps and no reuse, and their PDF."""


def register(app) -> None:
    from . import models, views  # noqa: F401

    app.register_blueprint(views.bp)
