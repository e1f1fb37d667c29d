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
