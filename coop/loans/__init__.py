"""Loans: commodity and emergency loans, from application to the last centavo."""


def register(app) -> None:
    from ..members.services import register_standing_check
    from . import models, services  # noqa: F401

    services.register_policies()
    register_standing_check(services.arrears_reasons)
