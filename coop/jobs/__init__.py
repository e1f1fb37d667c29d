"""Scheduled jobs: daily jobs per organization that catch up missed days in order, run by APScheduler."""


def register(app) -> None:
    from . import models  # noqa: F401
