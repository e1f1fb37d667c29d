"""Livelihood grants: beneficiaries, readiness, business plans, MOAs, tranches, monitoring."""


def register(app) -> None:
    pass
