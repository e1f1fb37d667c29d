"""Clusters, group work, trainings, coaching, the partners' catalogue and capital loans: what they plug in."""
from flask_babel import lazy_gettext as _l

from ..manifest import NGO, DailyJob, DashboardTiles, Document, Indicator, Manifest, NavItem, OutcomeFilter, Setting
from . import api, services, views
from .demo import seed_demo
from .portal import loan_tiles, peer_tiles, staff_tiles

# The groups' lines of the cases domain's donor outcome report (counts only), in the report's order.
INDICATORS = (("women_in_clusters", _l("Women in clusters (peer counselors not counted)"), 25),
              ("children_in_groups", _l("Children in children-of-migrants groups"), 26),
              ("group_sessions", _l("Group-work sessions held (attended by these women)"), 27),
              ("trainings_completed", _l("Trainings completed"), 45),
              ("coaching_sessions", _l("Individual coaching sessions"), 46),
              ("capital_loans_active", _l("Capital loans active at the end of the period"), 65),
              ("capital_loans_repaid", _l("Capital loans repaid in full in the period"), 66))

manifest = Manifest(
    name="groups",
    blueprints=(views.bp, api.bp),
    settings=(
        Setting(services.MAX_SIZE, 16, _l("Most women in a cluster"), kind="number", org_kinds=NGO, maximum=100),
        Setting(services.MIN_SIZE, 12, _l("Fewest women for a cluster to start its group work"), kind="number",
                org_kinds=NGO, maximum=100),
        Setting(services.LOAN_INSTALLMENTS, 10, _l("Monthly installments of a capital loan"), kind="number",
                org_kinds=NGO, maximum=120),
        Setting(services.LOAN_GRACE_MONTHS, 1, _l("Months after a capital loan's release before the first installment"),
                kind="number", org_kinds=NGO, maximum=24),
        Setting(services.REMIND_EVERY, 7, _l("Capital loans: remind the social worker or case worker again every so "
                                             "many days an installment stays overdue (0: only the first day)"),
                kind="number", org_kinds=NGO, maximum=90),
        Setting(services.SENDER, "Capital loans", _l("Capital loans: name the overdue reminders are signed with"),
                org_kinds=NGO),
    ),
    daily_jobs=(DailyJob("groups.overdue_installments", services.overdue_installments, NGO),),
    nav=(NavItem(_l("Clusters"), "groups.index", views.GROUP_STAFF, NGO),
         NavItem(_l("Trainings"), "groups.trainings", views.GROUP_STAFF, NGO),
         NavItem(_l("My cluster"), "groups.mine", views.PEER, NGO),
         NavItem(_l("Catalogue of services"), "groups.catalogue", views.CATALOGUE_READERS, NGO),
         NavItem(_l("Capital loans"), "groups.loans", views.GROUP_READERS, NGO)),
    reports=(NavItem(_l("Capital loan aging"), "groups.aging", views.GROUP_READERS, NGO),
             NavItem(_l("Groups, trainings and capital loans in numbers"), "groups.outcomes", views.GROUP_READERS,
                     NGO)),
    dashboard=(DashboardTiles(views.GROUP_READERS, NGO, loan_tiles),
               DashboardTiles(views.GROUP_STAFF, NGO, staff_tiles),
               DashboardTiles(views.PEER, NGO, peer_tiles)),
    documents={services.REPAYMENT_SOURCE: Document(_l("Capital loan repayment"), "groups.loan", "loan_id")},
    control_checks=(services.control_balances,),
    release_kinds={"loan": services.loan_release},
    record_holders=(services.moa_holder,),
    service_catalogues=(services.catalogue_for_referrals(),),
    demo_seeder=seed_demo,
    outcome_filters=(OutcomeFilter("groups_cluster", _l("Cluster"), services.cluster_options,
                                   services.cluster_women),),
    indicators=tuple(Indicator(f"groups.{key}", label, services.indicator(key), order)
                     for key, label, order in INDICATORS),
)
