"""The year end: what it plugs into the application."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS, STAFF
from ..manifest import ApprovalKind, COOPERATIVE, Document, Manifest, NavItem, PortalSection, Setting
from ..web.filters import day
from . import api, demo, services, views
from .models import CAPITAL_METHODS
from .portal import portal_context


def _describe_year(_org_id: int, payload: dict) -> list[tuple[str, str]]:
    rows = [(_l("Year"), str(payload["year"]))]
    if payload.get("reason"):
        rows.append((_l("Reason"), payload["reason"]))
    return rows


def _describe_approval(org_id: int, payload: dict) -> list[tuple[str, str]]:
    allocation = services.get_allocation(org_id, payload["allocation_id"])
    return [(_l("Allocation of the net surplus of %(year)s", year=allocation.year), f"#{allocation.id}"),
            (_l("General assembly resolution number"), payload["resolution_number"]),
            (_l("Date of the general assembly"), day(payload["assembly_date"]))]


manifest = Manifest(
    name="yearend",
    blueprints=(views.bp, api.bp),
    documents={
        services.SOURCE_CLOSE: Document(_l("Year-end closing"), "yearend.index", find=lambda org_id, _id: {"_anchor": "years"}),
        services.SOURCE_ALLOCATION: Document(_l("Allocation of the net surplus"), "yearend.allocation",
                                             "allocation_id"),
        services.SOURCE_PAYOUT: Document(_l("Interest and patronage refund payout"), "yearend.slip",
                                         find=services.slip_of_payout),
    },
    settings=(
        Setting(services.SETTING_REGISTRATION_YEAR, 2008,
                _l("Year end: the year the CDA registered the cooperative (the reserve is at least 50%% in its "
                   "first five years)"), kind="number", org_kinds=COOPERATIVE, maximum=9999),
        Setting("yearend.reserve", 10, _l("Year end: reserve fund proposed (%% of net surplus)"), kind="percent",
                org_kinds=COOPERATIVE),
        Setting("yearend.education", 10, _l("Year end: education and training fund proposed (%% of net surplus)"),
                kind="percent", org_kinds=COOPERATIVE),
        Setting("yearend.federation_share", 50,
                _l("Year end: part of the education and training fund due to the federation or union (%%)"),
                kind="percent", org_kinds=COOPERATIVE),
        Setting("yearend.community", 3, _l("Year end: community development fund proposed (%% of net surplus)"),
                kind="percent", org_kinds=COOPERATIVE),
        Setting("yearend.optional", 7, _l("Year end: optional fund proposed (%% of net surplus)"), kind="percent",
                org_kinds=COOPERATIVE),
        Setting("yearend.interest_rate", 5, _l("Year end: interest on share capital proposed (%% a year)"),
                kind="percent", org_kinds=COOPERATIVE),
        Setting(services.SETTING_INTEREST_CAP, 10,
                _l("Year end: the highest interest on share capital the assembly may set (%% a year)"),
                kind="percent", org_kinds=COOPERATIVE),
        Setting(services.SETTING_CAPITAL_METHOD, "month_end",
                _l("Year end: average paid-up capital from month-end balances (month_end) or daily balances (daily)"),
                kind="choice", choices=CAPITAL_METHODS, org_kinds=COOPERATIVE),
        Setting("yearend.weight_store", 100, _l("Year end: weight of store purchases in patronage (%%)"),
                kind="percent", org_kinds=COOPERATIVE),
        Setting("yearend.weight_loans", 100, _l("Year end: weight of loan interest and fees in patronage (%%)"),
                kind="percent", org_kinds=COOPERATIVE),
        Setting("yearend.weight_wellness", 100, _l("Year end: weight of Wellness services in patronage (%%)"),
                kind="percent", org_kinds=COOPERATIVE),
        Setting("yearend.weight_consignment", 100,
                _l("Year end: weight of consignment sales in patronage (%%)"), kind="percent", org_kinds=COOPERATIVE),
        Setting(services.SETTING_APPLY_TO_LOANS, True,
                _l("Year end: apply interest and refunds to what the member owes on loans before paying her"),
                kind="bool", org_kinds=COOPERATIVE),
    ),
    nav=(NavItem(_l("Year end"), "yearend.index", READERS, COOPERATIVE),),
    portal=(PortalSection("yearend/_portal.html", portal_context, order=60),),
    control_checks=(services.control_balances,),
    approval_kinds={
        services.KIND_CLOSE: ApprovalKind(_l("Closing of a year"), services.execute_close, STAFF,
                                          describe=_describe_year, check=services.check_close,
                                          link=lambda org_id, payload: ("yearend.index", {})),
        services.KIND_REOPEN: ApprovalKind(_l("Reopening of a closed year"), services.execute_reopen, STAFF,
                                           describe=_describe_year, check=services.check_reopen,
                                           link=lambda org_id, payload: ("yearend.index", {})),
        services.KIND_APPROVE: ApprovalKind(
            _l("General assembly approval of the allocation of the net surplus"), services.execute_approval, STAFF,
            describe=_describe_approval, check=services.check_approval,
            link=lambda org_id, payload: ("yearend.allocation", {"allocation_id": payload["allocation_id"]})),
    },
    demo_seeder=demo.seed,
)
