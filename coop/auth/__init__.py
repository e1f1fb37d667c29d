"""Users, roles, sessions, API tokens."""


def register(app) -> None:
    from . import api, models, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin)
    app.register_blueprint(api.bp)
    views.add_navigation()
