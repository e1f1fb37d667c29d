"""What the grants verbs share: setting keys, account keys, the program's errors, small helpers."""
from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import func, select

from ...errors import Invalid, Pesos, Words
from ...extensions import db
from ...money import php_text
from ...orgs.services import get_setting
from ..models import FollowUp

MIN_GRANT, MAX_GRANT, MONITORING_MONTHS = "grants.min_grant", "grants.max_grant", "grants.monitoring_months"
RESTRICTED_GROUP_KEY = "net_assets_restricted"
UNRESTRICTED_KEY = "net_assets_unrestricted"
# Revenue with donor restrictions: a gift to a donor's fund, closed at the year's end into that fund's account.
RESTRICTED_REVENUE = "donor_contributions_restricted"
RELEASES = "releases_from_restriction"
CASH = "cash_in_bank"
CENTRE_ROLE = Words("The Centre is the operations partner of the Beneficiary: it gives guidance and technical "
               "assistance as she starts her business, helps her buy the items in her business plan, hands "
               "the grant over in the tranches below, and visits her business every month to review her "
               "sales, costs and savings records.")


class NotReady(Invalid):
    title = "Not certified ready"


class ReleaseRefused(Invalid):
    title = "Release refused"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def bounds(org_id: int) -> tuple[int, int]:
    return get_setting(org_id, MIN_GRANT), get_setting(org_id, MAX_GRANT)


def check_bounds(org_id: int, amount: int, field: str = "amount_requested") -> None:
    low, high = bounds(org_id)
    if not low <= amount <= high:
        raise Invalid("A grant in this program is from %(low)s to %(high)s; %(amount)s is outside.", field=field,
                      values={"low": Pesos(low), "high": Pesos(high), "amount": Pesos(amount)})


def pesos(centavos: int) -> str:
    """An amount in a grants message, as on every page: "₱5,000.00"."""
    return php_text(centavos)


def next_number(model, org_id: int) -> int:
    return (db.session.scalar(select(func.max(model.number)).where(model.org_id == org_id)) or 0) + 1


def mark_done(org_id: int, kind: str, moa_id: int, ref: int, on: date) -> None:
    """Tick off a follow-up on the staff's list (a tranche released, a month reported)."""
    item = db.session.scalar(select(FollowUp).where(FollowUp.org_id == org_id, FollowUp.kind == kind,
                                                    FollowUp.moa_id == moa_id, FollowUp.ref == ref))
    if item is not None and item.done_on is None:
        item.done_on = on
