"""Members of a cooperative and their share capital."""


def register(app) -> None:
    from ..auth.access import READERS
    from ..demo import register_seeder
    from ..jobs.services import register_daily
    from ..web.registry import DashboardTiles, PortalSection, add_dashboard, add_party_resolver, add_portal_section
    from . import api, cli, demo, jobs, models, portal, services, shares, views  # noqa: F401

    add_party_resolver(services.parties_of_user)
    shares.register_policy()
    services.register_standing_check(shares.overdue_check)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    views.add_navigation()
    add_dashboard(DashboardTiles(READERS, ("cooperative",), views.dashboard_tiles))
    add_portal_section(PortalSection("members/_portal_shares.html", portal.shares_section, order=10))
    app.add_template_global(portal.installment_rows, "installment_rows")
    app.add_template_global(portal.state_label, "installment_state_label")
    register_daily("share_reminders", jobs.share_reminders, org_kinds=("cooperative",))
    register_seeder(demo.seed)
    app.cli.add_command(cli.members)
