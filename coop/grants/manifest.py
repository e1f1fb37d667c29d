"""Livelihood grants: what they plug into the application."""
from flask_babel import lazy_gettext as _l

from ..manifest import NGO, ApprovalKind, DailyJob, DashboardTiles, Document, Indicator, Manifest, NavItem, Setting
from ..web.filters import day, money, status
from . import api, services, views
from .demo import seed_demo
from .services import outcomes
from .portal import grant_tiles, staff_tiles

REPORTS = (("summary", _l("Program summary (for donors)")), ("funds", _l("Donor funds")),
           ("status", _l("Grants by status")), ("tranches-due", _l("Tranches due")),
           ("monitoring-due", _l("Monitoring due")), ("register", _l("Beneficiary register (no names)")),
           ("fund-report", _l("Fund report per donor (the year)")),
           ("program-expenses", _l("Program expenses by MOA and by donor")))

def _describe_release(org_id: int, payload: dict) -> list[tuple[str, str]]:
    """No beneficiary's name: the inbox is open to officers and auditors too."""
    tranche = services.get_tranche(org_id, payload["tranche_id"])
    moa = services.get_moa(org_id, tranche.moa_id)
    fund = services.get_fund(org_id, moa.fund_id)
    return [(_l("MOA"), moa.label), (_l("Tranche"), str(tranche.seq)), (_l("Amount"), money(tranche.amount)),
            (_l("Release date"), day(tranche.release_on)),
            (_l("Condition"), status(tranche.condition)), (_l("Donor fund"), fund.donor_name)]


def _moa_page(org_id: int, payload: dict):
    return "grants.moa", {"moa_id": services.get_tranche(org_id, payload["tranche_id"]).moa_id}


def _describe_year(_org_id: int, payload: dict) -> list[tuple[str, str]]:
    rows = [(_l("Year"), str(payload["year"]))]
    if payload.get("reason"):
        rows.append((_l("Reason"), payload["reason"]))
    return rows


def _year_end_page(_org_id: int, _payload: dict):
    return "grants.year_end", {}


manifest = Manifest(
    name="grants",
    blueprints=(views.bp, api.bp),
    documents={
        "grants.receipt": Document(_l("Donor fund receipt")),
        services.SOURCE_CLOSING: Document(_l("Year-end closing into net assets"), "grants.year_end",
                                          find=lambda o, i: {"_anchor": "years"}),
        "grants.tranche": Document(_l("Grant tranche"), "grants.moa", find=lambda o, i: {
            "moa_id": services.get_tranche(o, int(i)).moa_id}),
    },
    settings=(
        Setting(services.MIN_GRANT, 600_000, _l("Smallest livelihood grant"), kind="money", org_kinds=NGO),
        Setting(services.MAX_GRANT, 1_500_000, _l("Largest livelihood grant"), kind="money", org_kinds=NGO),
        Setting(services.MONITORING_MONTHS, 3, _l("Months of monthly monitoring after the first release"),
                kind="number", org_kinds=NGO),
    ),
    nav=(NavItem(_l("Grants"), "grants.index", views.GRANT_READERS, NGO),
         NavItem(_l("Beneficiaries"), "grants.beneficiaries", views.GRANT_STAFF, NGO),
         NavItem(_l("Donor funds"), "grants.funds", views.GRANT_READERS, NGO),
         NavItem(_l("Year end"), "grants.year_end", views.GRANT_READERS, NGO)),
    reports=tuple(NavItem(label, f"grants.{views.report_endpoint(name)}", views.GRANT_READERS, NGO)
                  for name, label in REPORTS),
    dashboard=(DashboardTiles(views.GRANT_READERS, NGO, grant_tiles),
               DashboardTiles(views.GRANT_STAFF, NGO, staff_tiles)),
    daily_jobs=(DailyJob("grants.followups", services.list_due_followups, NGO),),
    demo_seeder=seed_demo,
    release_kinds={"grant": services.grant_release},
    control_checks=(services.control_balances,),
    approval_kinds={
        services.RELEASE_KIND: ApprovalKind(
            _l("Grant tranche release"), services.execute_release, views.GRANT_STAFF, describe=_describe_release,
            link=_moa_page, on_reject=services.execute_rejection),
        services.KIND_CLOSE: ApprovalKind(
            _l("Closing of a year into net assets"), services.execute_close, views.GRANT_STAFF,
            describe=_describe_year, check=services.check_close, link=_year_end_page),
        services.KIND_REOPEN: ApprovalKind(
            _l("Reopening of a closed year"), services.execute_reopen, views.GRANT_STAFF,
            describe=_describe_year, check=services.check_reopen, link=_year_end_page),
    },
    indicators=(
        Indicator("grants.released", _l("Grant tranches released (count, amount)"), outcomes.grants_released, 60),
        Indicator("grants.running_3m", _l("Businesses running 3 months after the first release (of those known)"),
                  outcomes.running_after(3), 61),
        Indicator("grants.running_12m", _l("Businesses running 12 months after the first release (of those known)"),
                  outcomes.running_after(12), 62),
        Indicator("grants.savings", _l("Savings reported at monitoring visits (reports, amount)"),
                  outcomes.savings_reported, 63),
    ),
)
