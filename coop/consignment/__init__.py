"""Consignment selling and commissions: principals (Avon, Natasha) and member-producers."""


def register(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..orgs.services import register_setting
    from . import models, services  # noqa: F401

    coop_only = ("cooperative",)
    register_setting(services.SETTING_COMMISSION, 25, _l("Consignment: members' commission for a new principal (%)"),
                     kind="percent", org_kinds=coop_only)
    register_setting(services.SETTING_PRODUCER_FEE, 10, _l("Consignment: the cooperative's fee on a member-producer's "
                                                           "goods (%)"), kind="percent", org_kinds=coop_only)
    register_setting(services.SETTING_NET_COMMISSION, True, _l("Consignment: a member keeps her commission from what "
                                                               "she remits"), kind="bool", org_kinds=coop_only)
    register_setting(services.SETTING_REMIT_DAYS, 7, _l("Consignment: days after a sale within which the member "
                                                        "remits"), kind="number", org_kinds=coop_only)
    register_setting(services.SETTING_GOODS_OUT_DAYS, 30, _l("Consignment: days goods may stay with a member before "
                                                            "follow-up"), kind="number", org_kinds=coop_only)
