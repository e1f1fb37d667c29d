"""The groups domain's verbs, one module per verb group, re-exported here (`from coop.groups import services`).

- `clusters`: clusters, members and peer counselors, the four group-work sessions and their attendance
- `trainings`: training programs, their days, enrollment, attendance, completion; coaching; the partners' catalogue
- `loans`: group enterprises, capital loans (the grants domain's `loan` release kind), repayments, aging, control
- `outcomes`: plain counts for the donor report
"""
from __future__ import annotations

from .base import (LOAN_GRACE_MONTHS, LOAN_INSTALLMENTS, MAX_SIZE, MIN_SIZE, RECEIVABLE, REMIND_EVERY, REPAYMENT_SOURCE,
                   SENDER)
from .clusters import (add_cluster, add_member, attendance_of, cluster_party, clusters_of_peer, get_cluster,
                       headcount, list_clusters, members_of, peer_attendance, record_session, sessions_of,
                       view_cluster)
from .loans import (AGING_BUCKETS, AgingRow, GroupFunding, add_enterprise, funding_of, moa_holder, aging, control_balances, enterprises_of, get_loan,
                    installments_of, link_moa, list_loans, loan_release, repay, repayments_of, revolving_fund,
                    schedule, void_repayment)
from .overdue import overdue_installments
from .outcomes import OUTCOME_KEYS, cluster_options, cluster_women, indicator, outcome_counts
from .trainings import (add_coaching, catalogue_for_referrals, add_day, add_offering, add_program, attendance_by_day, coaching_list, complete,
                        days_of, drop, enroll, enrollments_of, get_offering, get_program, list_programs,
                        record_attendance, search_catalogue, set_offering_active, trainings_of_woman)

__all__ = [
    "AGING_BUCKETS", "AgingRow", "LOAN_GRACE_MONTHS", "LOAN_INSTALLMENTS", "MAX_SIZE", "MIN_SIZE", "OUTCOME_KEYS",
    "RECEIVABLE", "REPAYMENT_SOURCE", "add_cluster", "add_coaching", "add_day", "add_enterprise", "add_member",
    "add_offering", "add_program", "aging", "attendance_by_day", "attendance_of", "cluster_party", "clusters_of_peer",
    "coaching_list", "complete", "control_balances", "days_of", "drop", "enroll", "enrollments_of", "enterprises_of",
    "get_cluster", "get_loan", "get_offering", "get_program", "headcount", "indicator", "installments_of", "link_moa",
    "list_clusters", "list_loans", "list_programs", "loan_release", "members_of", "outcome_counts",
    "peer_attendance", "record_attendance", "record_session", "repay", "repayments_of", "revolving_fund",
    "schedule", "search_catalogue", "sessions_of", "set_offering_active", "trainings_of_woman", "view_cluster",
    "void_repayment", "cluster_options", "cluster_women", "catalogue_for_referrals", "overdue_installments", "REMIND_EVERY", "SENDER", "GroupFunding", "funding_of", "moa_holder",
]
