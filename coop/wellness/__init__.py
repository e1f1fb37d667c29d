"""The Wellness Center: services, attendants, schedules, bookings, payments, earnings."""


def register(app) -> None:
    pass
