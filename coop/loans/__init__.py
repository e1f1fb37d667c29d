"""Loans: commodity and emergency loans, from application to the last centavo."""

COOPERATIVE = ("cooperative",)


def register(app) -> None:
    from ..auth.access import READERS
    from ..demo import register_seeder
    from ..jobs.services import register_daily
    from ..members.services import register_standing_check
    from ..web.registry import DashboardTiles, PortalSection, add_dashboard, add_portal_section
    from . import api, demo, models, services, views  # noqa: F401

    services.register_policies()
    register_standing_check(services.arrears_reasons)
    register_daily("loans.end_of_day", services.end_of_day, org_kinds=COOPERATIVE)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    views.add_navigation()
    add_dashboard(DashboardTiles(READERS, COOPERATIVE, views.dashboard_tiles))
    add_portal_section(PortalSection("loans/_portal.html", views.portal_section, order=20))
    register_seeder(demo.seed)
