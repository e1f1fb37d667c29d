"""Organizations (a cooperative, an NGO) and their policy settings."""


def register(app) -> None:
    from . import models  # noqa: F401
