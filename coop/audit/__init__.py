"""The append-only audit trail."""


def register(app) -> None:
    from . import models  # noqa: F401
