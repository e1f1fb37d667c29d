"""Loans: what they plug into the application."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS
from ..manifest import COOPERATIVE, DailyJob, DashboardTiles, Document, Manifest, NavItem, PortalSection, Setting
from . import api, demo, services, views
from .services.control import control_balances as loan_control

manifest = Manifest(
    name="loans",
    blueprints=(views.bp, api.bp),
    control_checks=(loan_control,),
    documents={"loans": Document(_l("Loan"), "loans.show", "loan_id")},
    settings=(
        Setting("loans.commodity_credit_limit", 500_000,
                _l("Commodity credit limit per member (her unpaid commodity loans plus the new one)"),
                kind="money", org_kinds=COOPERATIVE),
        Setting("loans.penalty_recognition", "collected",
                _l("Loan penalties are income when collected (conservative) or accrued when assessed"),
                kind="choice", choices=("collected", "accrued"), org_kinds=COOPERATIVE),
        Setting("loans.reminder_days_before", 3, _l("Days before a loan due date that the member is reminded"),
                kind="number", org_kinds=COOPERATIVE),
    ),
    nav=(NavItem(_l("Loans"), "loans.index", READERS, COOPERATIVE),),
    reports=(NavItem(_l("Loan portfolio"), "loans.portfolio", READERS, COOPERATIVE),
             NavItem(_l("Loan aging"), "loans.aging", READERS, COOPERATIVE),
             NavItem(_l("Loan collections"), "loans.collections", READERS, COOPERATIVE)),
    dashboard=(DashboardTiles(READERS, COOPERATIVE, views.dashboard_tiles),),
    portal=(PortalSection("loans/_portal.html", views.portal_section, order=20),),
    daily_jobs=(DailyJob("loans.end_of_day", services.end_of_day, COOPERATIVE),),
    demo_seeder=demo.seed,
    standing_checks=(services.arrears_reasons,),
)
