"""Consignment selling and commissions: principals (Avon, Natasha) and member-producers."""


def register(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..auth.access import READERS
    from ..demo import register_seeder
    from ..orgs.services import register_setting
    from ..web.registry import DashboardTiles, NavItem, PortalSection, add_dashboard, add_nav, add_portal_section, add_report
    from . import api, demo, models, pos, services, views  # noqa: F401
    from .portal import dashboard_tiles, portal_context

    coop_only = ("cooperative",)
    register_setting(services.SETTING_COMMISSION, 25, _l("Consignment: members' commission for a new principal (%%)"),
                     kind="percent", org_kinds=coop_only)
    register_setting(services.SETTING_PRODUCER_FEE, 10, _l("Consignment: the cooperative's fee on a member-producer's "
                                                           "goods (%%)"), kind="percent", org_kinds=coop_only)
    register_setting(services.SETTING_NET_COMMISSION, True, _l("Consignment: a member keeps her commission from what "
                                                               "she remits"), kind="bool", org_kinds=coop_only)
    register_setting(services.SETTING_REMIT_DAYS, 7, _l("Consignment: days after a sale within which the member "
                                                        "remits"), kind="number", org_kinds=coop_only)
    register_setting(services.SETTING_GOODS_OUT_DAYS, 30, _l("Consignment: days goods may stay with a member before "
                                                            "follow-up"), kind="number", org_kinds=coop_only)

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    add_nav(NavItem(_l("Consignment"), "consignment.index", READERS, coop_only))
    for label, endpoint in ((_l("Consigned goods out with members"), "consignment.goods_out_report"),
                            (_l("Consignment remittances due"), "consignment.remittances_due_report"),
                            (_l("Commissions by member and campaign"), "consignment.commissions_report"),
                            (_l("Amount due to principals"), "consignment.due_to_principals_report")):
        add_report(NavItem(label, endpoint, READERS, coop_only))
    add_dashboard(DashboardTiles(READERS, coop_only, dashboard_tiles))
    add_portal_section(PortalSection("consignment/_portal.html", portal_context, order=30))
    register_seeder(demo.seed)
    pos.register()
