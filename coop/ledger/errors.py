from ..errors import Conflict, Invalid, NotFound


class UnbalancedEntry(Invalid):
    pass


class RefusedEntry(Invalid):
    pass


class ClosedPeriodError(Invalid):
    pass


class IdempotencyMismatch(Conflict):
    pass


class AlreadyReversed(Conflict):
    pass


class UnknownAccount(NotFound):
    pass


class UnknownEntry(NotFound):
    pass


class FutureDate(Invalid):
    """An entry dated after today (in Manila) plus the days the policy `ledger.future_days` allows."""


class ControlAccount(RefusedEntry):
    """A manual entry naming an account a domain keeps with its own records."""


class OwnedEntry(Conflict):
    """A generic reversal of an entry a domain posted: it is reversed through that domain's own verb."""


class Overdraft(Invalid):
    """A payment would take a cash account flagged no_overdraft below zero."""
