"""The Wellness Center: what it plugs into the application."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS, STAFF
from ..manifest import COOPERATIVE, DailyJob, DashboardTiles, Manifest, NavItem, PortalSection, Setting
from . import api, demo, portal, services, views

manifest = Manifest(
    name="wellness",
    blueprints=(views.bp, api.bp),
    settings=(
        Setting("wellness.default_share_percent", 40, _l("Wellness: attendant's share of a new service's price"),
                kind="percent", org_kinds=COOPERATIVE),
        Setting("wellness.travel_minutes", 30,
                _l("Wellness: travel time blocked before and after a home-service visit"), kind="number",
                org_kinds=COOPERATIVE),
        Setting("wellness.reminders", True, _l("Wellness: text clients a reminder the day before"), kind="bool",
                org_kinds=COOPERATIVE),
        Setting("wellness.sender_name", "Wellness Center", _l("Wellness: the name reminder texts are signed with"),
                kind="text", org_kinds=COOPERATIVE),
    ),
    nav=(NavItem(_l("Wellness"), "wellness.day", READERS + ("attendant",), COOPERATIVE),
         NavItem(_l("My earnings"), "wellness.mine", ("attendant",), COOPERATIVE)),
    reports=tuple(NavItem(label, f"wellness.report_{name.replace('-', '_')}", READERS, COOPERATIVE)
                  for name, label in views.REPORT_LABELS.items()),
    dashboard=(DashboardTiles(STAFF + ("auditor",), COOPERATIVE, portal.dashboard_tiles),
               DashboardTiles(("attendant",), COOPERATIVE, portal.attendant_tiles)),
    portal=(PortalSection("wellness/portal.html", portal.member_block, order=40),),
    daily_jobs=(DailyJob("wellness.reminders", services.send_reminders, COOPERATIVE),),
    demo_seeder=demo.seed_demo,
    party_resolvers=(services.parties_of_user,),
)
