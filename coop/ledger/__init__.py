"""The one double-entry ledger every peso goes through.

models, records, checks and services import no Flask and no other domain; views and api are its edge.
"""


def register(app) -> None:
    from . import api, models, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    views.add_navigation()
