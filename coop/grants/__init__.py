"""Livelihood grants: beneficiaries, readiness, business plans, MOAs, tranches, monitoring."""


def register(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..demo import register_seeder
    from ..jobs.services import register_daily
    from ..orgs.services import register_setting
    from ..web.registry import DashboardTiles, NavItem, add_dashboard, add_nav, add_report
    from . import api, models, services, views  # noqa: F401
    from .demo import seed_demo
    from .tiles import grant_tiles, staff_tiles

    register_setting(services.MIN_GRANT, 600_000, "Smallest livelihood grant", kind="money", org_kinds=("ngo",))
    register_setting(services.MAX_GRANT, 1_500_000, "Largest livelihood grant", kind="money", org_kinds=("ngo",))
    register_setting(services.MONITORING_MONTHS, 3, "Months of monthly monitoring after the first release",
                     kind="number", org_kinds=("ngo",))
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    add_nav(NavItem(_l("Grants"), "grants.index", views.GRANT_READERS, ("ngo",)))
    add_nav(NavItem(_l("Beneficiaries"), "grants.beneficiaries", views.GRANT_STAFF, ("ngo",)))
    add_nav(NavItem(_l("Donor funds"), "grants.funds", views.GRANT_READERS, ("ngo",)))
    for name, label in (("summary", _l("Program summary (for donors)")), ("funds", _l("Donor funds")),
                        ("status", _l("Grants by status")), ("tranches-due", _l("Tranches due")),
                        ("monitoring-due", _l("Monitoring due")), ("register", _l("Beneficiary register (no names)"))):
        add_report(NavItem(label, f"grants.{views.report_endpoint(name)}", views.GRANT_READERS, ("ngo",)))
    add_dashboard(DashboardTiles(views.GRANT_READERS, ("ngo",), grant_tiles))
    add_dashboard(DashboardTiles(views.GRANT_STAFF, ("ngo",), staff_tiles))
    register_daily("grants.followups", services.list_due_followups, org_kinds=("ngo",))
    register_seeder(seed_demo)
