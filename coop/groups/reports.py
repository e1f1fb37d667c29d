"""The groups domain's reports as tables (page, CSV, PDF, JSON): numbers and labels only, no names."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..grants import services as grants
from ..reports.tabular import Column, Table
from . import services

def debtor_label(org_id: int, loan) -> str:
    """Who owes a capital loan, by number: the cluster (G-001) or the woman (B-0001)."""
    if loan.cluster_id is not None:
        return services.get_cluster(org_id, loan.cluster_id).label
    return grants.get_beneficiary(org_id, loan.beneficiary_id).label


def bucket_label(key: str) -> str:
    return {"current": _("Not yet due"), "1-30": _("1-30 days"), "31-60": _("31-60 days"),
            "61-90": _("61-90 days"), "over-90": _("Over 90 days")}[key]


def aging_table(org_id: int, as_of: date) -> Table:
    rows = []
    for row in services.aging(org_id, as_of):
        rows.append((row.loan.label, debtor_label(org_id, row.loan), row.loan.released_on,
                     *(row.buckets[key] for key in services.AGING_BUCKETS), sum(row.buckets.values())))
    totals = tuple(sum(r[i] for r in rows) for i in range(3, 3 + len(services.AGING_BUCKETS) + 1))
    return Table(title=_("Capital loan aging"),
                 subtitle=_("As of %(day)s: what each active capital loan still owes, by days past due.",
                            day=as_of.isoformat()),
                 columns=(Column("loan", _("Loan")), Column("debtor", _("Owed by")),
                          Column("released_on", _("Released"), "date"),
                          *(Column(key, bucket_label(key), "money") for key in services.AGING_BUCKETS),
                          Column("outstanding", _("Outstanding"), "money")),
                 rows=tuple(rows), totals=(_("Total"), "", "", *totals))


def outcome_label(key: str) -> str:
    return {"women_in_clusters": _("Women in clusters"), "children_in_groups": _("Children in children's groups"),
            "group_sessions": _("Group-work sessions held"), "trainings_completed": _("Trainings completed"),
            "coaching_sessions": _("Individual coaching sessions"),
            "capital_loans_active": _("Capital loans active at the end of the period"),
            "capital_loans_repaid": _("Capital loans repaid in full in the period")}[key]


def outcomes_table(org_id: int, start: date, end: date) -> Table:
    counts = services.outcome_counts(org_id, start, end)
    return Table(title=_("Groups, trainings and capital loans in numbers"),
                 subtitle=_("From %(start)s to %(end)s. Counts only: no personal data.", start=start.isoformat(),
                            end=end.isoformat()),
                 columns=(Column("indicator", _("Indicator")), Column("count", _("Count"), "number")),
                 rows=tuple((outcome_label(key), counts[key]) for key in services.OUTCOME_KEYS))
