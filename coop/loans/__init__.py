"""Loans: commodity and emergency loans, from application to the last centavo."""


def register(app) -> None:
    from ..jobs.services import register_daily
    from ..members.services import register_standing_check
    from . import models, services  # noqa: F401

    services.register_policies()
    register_standing_check(services.arrears_reasons)
    register_daily("loans.end_of_day", services.end_of_day, org_kinds=("cooperative",))
