"""Members of a cooperative and their share capital."""


def register(app) -> None:
    from . import models  # noqa: F401
