"""The Wellness Center: services, attendants, schedules, bookings, payments, earnings."""


def register(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..auth.access import READERS, STAFF
    from ..demo import register_seeder
    from ..jobs.services import register_daily
    from ..web.registry import DashboardTiles, NavItem, PortalSection, add_dashboard, add_nav, add_party_resolver
    from ..web.registry import add_portal_section, add_report
    from . import api, models, portal, seed, services, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    coop_only = ("cooperative",)
    add_nav(NavItem(_l("Wellness"), "wellness.day", READERS + ("attendant",), coop_only))
    add_nav(NavItem(_l("My earnings"), "wellness.mine", ("attendant",), coop_only))
    for name, label in views.REPORT_LABELS.items():
        add_report(NavItem(label, f"wellness.report_{name.replace('-', '_')}", READERS, coop_only))
    add_dashboard(DashboardTiles(STAFF + ("auditor",), coop_only, portal.dashboard_tiles))
    add_dashboard(DashboardTiles(("attendant",), coop_only, portal.attendant_tiles))
    add_portal_section(PortalSection("wellness/portal.html", portal.member_block, order=40))
    add_party_resolver(services.parties_of_user)
    register_daily("wellness-reminders", services.send_reminders, org_kinds=coop_only)
    register_seeder(seed.seed_demo)
