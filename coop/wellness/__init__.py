"""The Wellness Center: services, attendants, schedules, bookings, payments, earnings."""


def register(app) -> None:
    from ..jobs.services import register_daily
    from ..web.registry import add_party_resolver
    from . import models, services  # noqa: F401

    add_party_resolver(services.parties_of_user)
    register_daily("wellness-reminders", services.send_reminders, org_kinds=("cooperative",))
