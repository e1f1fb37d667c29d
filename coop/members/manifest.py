"""Members and share capital: what they plug into the application."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS, STAFF
from ..kernel import get_in_org
from ..manifest import (
    COOPERATIVE,
    ApprovalKind,
    DailyJob,
    DashboardTiles,
    Document,
    Manifest,
    NavItem,
    PortalSection,
    Setting,
)
from ..web.filters import money
from . import api, cli, demo, jobs, portal, services, shares, views
from .models import SharePayment, ShareSubscription, ShareTransfer, ShareWithdrawal


def _member_of(model, org_id: int, source_id: str) -> dict:
    """The member page a share document is shown on."""
    row = get_in_org(model, org_id, int(source_id))
    return {"member_id": getattr(row, "member_id", None) or row.from_member_id}


def _describe_withdrawal(org_id: int, payload: dict) -> list[tuple[str, str]]:
    withdrawal = get_in_org(ShareWithdrawal, org_id, payload["withdrawal_id"])
    member = services.get_member(org_id, withdrawal.member_id)
    return [(_l("Member"), member.label), (_l("Reason"), withdrawal.reason), (_l("Paid-up capital"),
            money(withdrawal.paid_up)), (_l("She owes"), money(withdrawal.owed)), (_l("Refund"), money(withdrawal.refund))]


def _member_page(org_id: int, payload: dict):
    return "members.show", _member_of(ShareWithdrawal, org_id, str(payload["withdrawal_id"]))


manifest = Manifest(
    name="members",
    blueprints=(views.bp, api.bp),
    control_checks=(shares.control_balances,),
    documents={
        "shares.subscription": Document(_l("Share subscription"), "members.show", find=lambda o, i: _member_of(
            ShareSubscription, o, i)),
        "shares.import": Document(_l("Imported share subscription"), "members.show", find=lambda o, i: _member_of(
            ShareSubscription, o, i)),
        "shares.payment": Document(_l("Share payment"), "members.show", find=lambda o, i: _member_of(
            SharePayment, o, i)),
        "shares.withdrawal": Document(_l("Share withdrawal"), "members.show", find=lambda o, i: _member_of(
            ShareWithdrawal, o, i)),
        "shares.refund": Document(_l("Share refund"), "members.show", find=lambda o, i: _member_of(
            ShareWithdrawal, o, i)),
        "shares.transfer": Document(_l("Share transfer"), "members.show", find=lambda o, i: _member_of(
            ShareTransfer, o, i)),
    },
    settings=(
        Setting("shares.par_value", 100_00, _l("Par value of one share"), "money", org_kinds=COOPERATIVE),
        Setting("shares.minimum_subscription", 2_000_00, _l("Minimum share capital subscription of a member"),
                "money", org_kinds=COOPERATIVE),
        Setting("shares.minimum_paid_up_regular", 500_00, _l("Minimum paid-up share capital for regular membership"),
                "money", org_kinds=COOPERATIVE),
        Setting("shares.installment_plans", "1 monthly, 4 monthly, 6 monthly, 12 monthly, 8 semi-monthly",
                _l("Installment plans offered: number of installments and frequency (weekly, semi-monthly, monthly, "
                   "quarterly), separated by commas"), "text", org_kinds=COOPERATIVE),
        Setting("shares.grace_days", 30, _l("Days an installment may be overdue before she loses good standing"),
                "number", org_kinds=COOPERATIVE),
        Setting("shares.reminder_days_before", 3, _l("Days before a due date to send a reminder"), "number",
                org_kinds=COOPERATIVE),
    ),
    nav=(NavItem(_l("Members"), "members.index", STAFF, COOPERATIVE),),
    dashboard=(DashboardTiles(READERS, COOPERATIVE, views.dashboard_tiles),),
    portal=(PortalSection("members/_portal_shares.html", portal.shares_section, order=10),),
    daily_jobs=(DailyJob("members.share_reminders", jobs.share_reminders, COOPERATIVE),),
    demo_seeder=demo.seed,
    standing_checks=(shares.overdue_check,),
    party_resolvers=(services.parties_of_user,),
    template_globals={"installment_rows": portal.installment_rows, "installment_state_label": portal.state_label},
    commands=(cli.members,),
    approval_kinds={shares.WITHDRAWAL_KIND: ApprovalKind(
        _l("Share capital withdrawal"), shares.execute_withdrawal, STAFF, describe=_describe_withdrawal,
        link=_member_page, on_reject=shares.execute_withdrawal_rejection)},
)
