"""Savings deposits: what they plug into the application."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS
from ..manifest import COOPERATIVE, DailyJob, DashboardTiles, Document, Manifest, NavItem, PortalSection
from . import api, demo, portal, services, views


manifest = Manifest(
    name="savings",
    blueprints=(views.bp, api.bp),
    documents={services.SOURCE: Document(_l("Savings account"), "savings.account", arg="account_id"),
               services.INTEREST_SOURCE: Document(_l("Savings interest"))},
    nav=(NavItem(_l("Savings"), "savings.index", READERS, COOPERATIVE),),
    reports=(NavItem(_l("Savings products"), "savings.products", READERS, COOPERATIVE),),
    dashboard=(DashboardTiles(READERS, COOPERATIVE, portal.dashboard_tiles),),
    portal=(PortalSection("savings/_portal.html", portal.portal_context, order=15),),
    statement_sources=(portal.statement_accounts,),
    daily_jobs=(DailyJob(services.JOB, services.end_of_day, COOPERATIVE),),
    control_checks=(services.control_balances,),
    party_resolvers=(services.parties_of_user,),  # her deposit receipts are hers to see
    demo_seeder=demo.seed,
)
