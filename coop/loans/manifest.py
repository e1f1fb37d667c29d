"""Loans: what they plug into the application."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS, STAFF
from ..manifest import (
    COOPERATIVE,
    ApprovalKind,
    DailyJob,
    DashboardTiles,
    Document,
    Manifest,
    MemberPageSection,
    NavItem,
    PortalSection,
    Setting,
)
from ..web.filters import money, status
from . import api, demo, services, views
from .services import lending, restructuring
from .services.control import control_balances as loan_control


def _describe_loan(org_id: int, payload: dict) -> list[tuple[str, str]]:
    loan = services.get_loan(org_id, payload["loan_id"])
    rows = [(_l("Loan"), loan.number), (_l("Product"), services.product_of(loan).name),
            (_l("Amount"), money(loan.amount)), (_l("Status"), status(loan.status))]
    if loan.status == "applied":
        rows.append((_l("Installments"), f"{loan.term_count} ({status(loan.frequency)})"))
    if loan.status == "active":
        rows.append((_l("Principal outstanding"), money(loan.principal_outstanding)))
    return rows


def _describe_request(org_id: int, payload: dict) -> list[tuple[str, str]]:
    request = next(r for r in services.requests_of(payload["loan_id"]) if r.id == payload["request_id"])
    rows = _describe_loan(org_id, payload) + [(_l("Reason"), request.reason)]
    for key, value in sorted((request.terms or {}).items()):
        rows.append((status(key), status(value) if isinstance(value, str) else str(value)))
    return rows


def _loan_page(org_id: int, payload: dict):
    return "loans.show", {"loan_id": payload["loan_id"]}


manifest = Manifest(
    name="loans",
    blueprints=(views.bp, api.bp),
    control_checks=(loan_control,),
    documents={"loans": Document(_l("Loan"), "loans.show", "loan_id"),
               services.PROVISION_SOURCE: Document(_l("Loan-loss provision"), "loans.provisions")},
    settings=(
        Setting("loans.commodity_credit_limit", 500_000,
                _l("Commodity credit limit per member (her unpaid commodity loans plus the new one)"),
                kind="money", org_kinds=COOPERATIVE),
        Setting("loans.penalty_recognition", "collected",
                _l("Loan penalties are income when collected (conservative) or accrued when assessed"),
                kind="choice", choices=("collected", "accrued"), org_kinds=COOPERATIVE),
        Setting("loans.reminder_days_before", 3, _l("Days before a loan due date that the member is reminded"),
                kind="number", org_kinds=COOPERATIVE),
        *(Setting(services.rate_setting(bucket), services.CDA_RATES[bucket],
                  _l("Allowance for probable losses on loans %(bucket)s days past due (%%)",
                     bucket=bucket if bucket != "current" else "0"),
                  kind="percent", org_kinds=COOPERATIVE) for bucket in services.BUCKETS),
    ),
    nav=(NavItem(_l("Loans"), "loans.index", READERS, COOPERATIVE),),
    reports=(NavItem(_l("Loan portfolio"), "loans.portfolio", READERS, COOPERATIVE),
             NavItem(_l("Loan aging"), "loans.aging", READERS, COOPERATIVE),
             NavItem(_l("Loan collections"), "loans.collections", READERS, COOPERATIVE),
             NavItem(_l("Loan-loss provisioning"), "loans.provisioning", READERS, COOPERATIVE),
             NavItem(_l("Allowance for probable losses by month"), "loans.provisions", READERS, COOPERATIVE)),
    dashboard=(DashboardTiles(READERS, COOPERATIVE, views.dashboard_tiles),),
    portal=(PortalSection("loans/_portal.html", views.portal_section, order=20),),
    member_page=(MemberPageSection("loans/_member.html", views.member_page_section, order=10),),
    daily_jobs=(DailyJob("loans.end_of_day", services.end_of_day, COOPERATIVE),
                # after the end of day: the month end's aging is the one the allowance is set from
                DailyJob("loans.provisioning", services.month_end_provisioning, COOPERATIVE)),
    demo_seeder=demo.seed,
    standing_checks=(services.arrears_check,),
    approval_kinds={
        lending.APPROVE_KIND: ApprovalKind(_l("Loan application"), lending.execute_approval, STAFF,
                                           describe=_describe_loan, link=_loan_page,
                                           on_reject=lending.execute_rejection),
        restructuring.KINDS["write_off"]: ApprovalKind(
            _l("Loan write-off"), restructuring.execute_request, STAFF, describe=_describe_request, link=_loan_page,
            on_reject=restructuring.execute_request_rejection),
        restructuring.KINDS["restructure"]: ApprovalKind(
            _l("Loan restructuring"), restructuring.execute_request, STAFF, describe=_describe_request,
            link=_loan_page, on_reject=restructuring.execute_request_rejection),
    },
)
