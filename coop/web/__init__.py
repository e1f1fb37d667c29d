"""The shared pages: start page, the organization's dashboard."""


def register(app) -> None:
    from . import home

    app.register_blueprint(home.bp)
