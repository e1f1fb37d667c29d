"""Consignment selling: what it plugs into the application."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS
from ..manifest import COOPERATIVE, DashboardTiles, Document, Manifest, NavItem, PortalSection, Setting
from . import api, demo, pos, services, views
from .services.control import control_balances
from .portal import dashboard_tiles, portal_context

manifest = Manifest(
    name="consignment",
    blueprints=(views.bp, api.bp),
    documents={services.SOURCE: Document(_l("Consignment record"))},
    settings=(
        Setting(services.SETTING_COMMISSION, 25, _l("Consignment: members' commission for a new principal (%%)"),
                kind="percent", org_kinds=COOPERATIVE),
        Setting(services.SETTING_PRODUCER_FEE, 10,
                _l("Consignment: the cooperative's fee on a member-producer's goods (%%)"), kind="percent",
                org_kinds=COOPERATIVE),
        Setting(services.SETTING_NET_COMMISSION, True,
                _l("Consignment: a member keeps her commission from what she remits"), kind="bool",
                org_kinds=COOPERATIVE),
        Setting(services.SETTING_REMIT_DAYS, 7, _l("Consignment: days after a sale within which the member remits"),
                kind="number", org_kinds=COOPERATIVE),
        Setting(services.SETTING_GOODS_OUT_DAYS, 30,
                _l("Consignment: days goods may stay with a member before follow-up"), kind="number",
                org_kinds=COOPERATIVE),
    ),
    nav=(NavItem(_l("Consignment"), "consignment.index", READERS, COOPERATIVE),),
    reports=tuple(NavItem(label, endpoint, READERS, COOPERATIVE) for label, endpoint in (
        (_l("Consigned goods out with members"), "consignment.goods_out_report"),
        (_l("Consignment remittances due"), "consignment.remittances_due_report"),
        (_l("Commissions by member and campaign"), "consignment.commissions_report"),
        (_l("Amount due to principals"), "consignment.due_to_principals_report"))),
    dashboard=(DashboardTiles(READERS, COOPERATIVE, dashboard_tiles),),
    portal=(PortalSection("consignment/_portal.html", portal_context, order=30),),
    demo_seeder=demo.seed,
    pos_sources=(pos.SOURCE,),
    control_checks=(control_balances,),
)
