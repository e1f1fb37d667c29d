"""Capital loans under an MOA (the grants domain's `loan` release kind) and the clusters' enterprises.

Ledger design:
- release (posted by the grants domain's tranche approval, maker and checker): Dr Capital Loans Receivable (the
  woman's or the cluster's party) / Cr Cash in Bank, and in the same entry Dr the donor's fund / Cr Net Assets
  Released from Restriction, as a grant's release does: the donor's money has been used as it asked;
- repayment: Dr the chosen cash account / Cr Capital Loans Receivable (party), with an official receipt. What comes
  back is the revolving fund, lent again to the next women.
The receivable is a control account: only these verbs move it, and `control_balances` checks it against the open
installments.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...audit import services as audit
from ...errors import Conflict, Invalid, Pesos, Status, Words
from ...extensions import db
from ...grants import services as grants
from ...kernel import get_in_org
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...manifest import RecordHolder
from ...orgs.services import get_setting
from ...receipts import services as receipts
from ..models import CapitalLoan, ClusterMember, Enterprise, Installment, Repayment
from .base import LOAN_GRACE_MONTHS, LOAN_INSTALLMENTS, RECEIVABLE, REPAYMENT_SOURCE, Overpayment, next_number
from .clusters import cluster_party, get_cluster, members_of

AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "over-90")


# ------------------------------------------------------------------ enterprises


def add_enterprise(org_id: int, cluster_id: int, data: dict, actor_id: int | None) -> Enterprise:
    cluster = get_cluster(org_id, cluster_id)
    if data["started_on"] < cluster.formed_on:
        raise Invalid("The enterprise starts on or after the day the cluster was formed.", field="started_on")
    enterprise = Enterprise(org_id=org_id, cluster_id=cluster.id, name=data["name"], started_on=data["started_on"])
    db.session.add(enterprise)
    db.session.flush()
    if data.get("moa_id"):
        link_moa(org_id, enterprise.id, data["moa_id"], actor_id)
    audit.record("groups.enterprise.add", org_id=org_id, user_id=actor_id, target_type="cluster",
                 target_id=cluster.id)
    return enterprise


def link_moa(org_id: int, enterprise_id: int, moa_id: int, actor_id: int | None) -> Enterprise:
    """The MOA a member signed for her cluster's enterprise: its grant or capital loan goes to the group."""
    enterprise = get_in_org(Enterprise, org_id, enterprise_id, "No such enterprise.", lock=True)
    moa = grants.get_moa(org_id, moa_id)
    if moa.status == "void":
        raise Invalid("%(moa)s is void.", field="moa_id", values={"moa": moa.label})
    if moa.released_total:
        raise Conflict("%(moa)s has released money already: link it to the enterprise before the first release.",
                       values={"moa": moa.label})
    signer = db.session.scalar(select(ClusterMember.id).where(ClusterMember.cluster_id == enterprise.cluster_id,
                                                              ClusterMember.beneficiary_id == moa.beneficiary_id))
    if signer is None:
        raise Invalid("The woman who signs the MOA for the group is a member of the cluster.", field="moa_id")
    if db.session.scalar(select(Enterprise.id).where(Enterprise.moa_id == moa.id, Enterprise.id != enterprise.id)):
        raise Conflict("%(moa)s already funds another enterprise.", values={"moa": moa.label})
    enterprise.moa_id = moa.id
    cluster_party(org_id, get_cluster(org_id, enterprise.cluster_id))  # the ledger party of its releases from now
    db.session.flush()
    audit.record("groups.enterprise.moa", org_id=org_id, user_id=actor_id, target_type="moa", target_id=moa.id)
    return enterprise


def moa_holder(org_id: int, moa_id: int) -> RecordHolder | None:
    """`record_holders`: the cluster is the beneficiary of record of an MOA that funds its enterprise (a grant or a
    capital loan): its party carries the release, and its women are the group's."""
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.org_id == org_id, Enterprise.moa_id == moa_id))
    if enterprise is None:
        return None
    cluster = get_cluster(org_id, enterprise.cluster_id)
    women = tuple(m.beneficiary_id for m in members_of(cluster.id) if m.beneficiary_id is not None and m.alias is None)
    return RecordHolder("cluster", cluster.label, cluster.party_id or cluster_party(org_id, cluster), women,
                        "groups.cluster", {"cluster_id": cluster.id})


@dataclass(frozen=True)
class GroupFunding:
    """An enterprise of the cluster with the MOA that funds it, if any: the group is its beneficiary of record."""

    enterprise: Enterprise
    moa: object | None  # grants' Moa
    party_id: int | None


def funding_of(org_id: int, cluster_id: int) -> list[GroupFunding]:
    cluster = get_cluster(org_id, cluster_id)
    return [GroupFunding(e, grants.get_moa(org_id, e.moa_id) if e.moa_id else None,
                         cluster.party_id if e.moa_id else None) for e in enterprises_of(org_id, cluster_id)]


def enterprises_of(org_id: int, cluster_id: int | None = None) -> list[Enterprise]:
    statement = select(Enterprise).where(Enterprise.org_id == org_id)
    if cluster_id is not None:
        statement = statement.where(Enterprise.cluster_id == cluster_id)
    return list(db.session.scalars(statement.order_by(Enterprise.id)))


# ------------------------------------------------------------------ release (the grants domain's plug-in)


def schedule(principal: int, first_due: date, count: int) -> list[tuple[int, date, int]]:
    """Equal monthly installments, the last taking the remainder: [(seq, due_on, amount)]."""
    count = max(1, min(count, principal))
    share = principal // count
    return [(n, grants.add_months(first_due, n - 1), share if n < count else principal - share * (count - 1))
            for n in range(1, count + 1)]


def loan_release(moa, tranche, fund, beneficiary_party: int) -> tuple[Line, ...]:
    """`release_kinds["loan"]`: the tranche becomes a capital loan with its schedule, receivable from her or
    from the cluster whose enterprise the MOA funds; the donor's restriction is released as for a grant."""
    org_id = moa.org_id
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.moa_id == moa.id))
    cluster = get_cluster(org_id, enterprise.cluster_id) if enterprise else None
    party = cluster_party(org_id, cluster) if cluster else beneficiary_party
    loan = CapitalLoan(org_id=org_id, number=next_number(CapitalLoan, org_id), moa_id=moa.id, tranche_id=tranche.id,
                       beneficiary_id=moa.beneficiary_id, cluster_id=cluster.id if cluster else None, party_id=party,
                       principal=tranche.amount, released_on=tranche.release_on)
    db.session.add(loan)
    db.session.flush()
    first_due = grants.add_months(tranche.release_on, get_setting(org_id, LOAN_GRACE_MONTHS) + 1)
    db.session.add_all(Installment(loan_id=loan.id, seq=seq, due_on=due, amount=amount)
                       for seq, due, amount in schedule(tranche.amount, first_due,
                                                        get_setting(org_id, LOAN_INSTALLMENTS)))
    db.session.flush()
    return (Line(RECEIVABLE, debit=tranche.amount, party_id=party),
            Line(grants.CASH, credit=tranche.amount),
            Line(fund.account_id, debit=tranche.amount, party_id=fund.party_id),
            Line("releases_from_restriction", credit=tranche.amount, party_id=fund.party_id))


# ------------------------------------------------------------------ loans and repayments


def get_loan(org_id: int, loan_id: int, *, lock: bool = False) -> CapitalLoan:
    return get_in_org(CapitalLoan, org_id, loan_id, "No such capital loan.", lock=lock)


def list_loans(org_id: int, status: str | None = None) -> list[CapitalLoan]:
    statement = select(CapitalLoan).where(CapitalLoan.org_id == org_id)
    if status:
        statement = statement.where(CapitalLoan.status == status)
    return list(db.session.scalars(statement.order_by(CapitalLoan.number)))


def installments_of(loan_id: int) -> list[Installment]:
    return list(db.session.scalars(select(Installment).where(Installment.loan_id == loan_id)
                                   .order_by(Installment.seq)))


def repayments_of(loan_id: int) -> list[Repayment]:
    """Every repayment of the loan, the voided ones too (shown struck through)."""
    return list(db.session.scalars(select(Repayment).where(Repayment.loan_id == loan_id)
                                   .order_by(Repayment.paid_on, Repayment.id)))


def repay(org_id: int, loan_id: int, *, amount: int, on: date, cash_account: str, actor_id: int | None,
          received_from: str = "", idempotency_key: str | None = None) -> Repayment:
    """An installment (or any part, or all) paid back into the revolving fund, oldest installment first,
    with an official receipt. The loan row is locked first: two payments at once are applied in turn."""
    if idempotency_key:
        replay = ledger.find_by_idempotency_key(org_id, idempotency_key)
        if replay is not None:
            found = db.session.scalar(select(Repayment).where(Repayment.entry_id == replay.id))
            if found is not None and found.loan_id == loan_id:
                return found
    loan = get_loan(org_id, loan_id, lock=True)
    if loan.status != "active":
        raise Conflict("%(loan)s is %(status)s.", values={"loan": loan.label, "status": Status(loan.status)})
    if amount <= 0:
        raise Invalid("A repayment is more than zero.", field="amount")
    if amount > loan.outstanding:
        raise Overpayment("%(amount)s is more than the %(owed)s still owed on %(loan)s.", field="amount",
                          values={"amount": Pesos(amount), "owed": Pesos(loan.outstanding), "loan": loan.label})
    if on < loan.released_on:
        raise Invalid("A repayment cannot be dated before the loan was released.", field="paid_on")
    ledger.check_date(org_id, on, field="paid_on", what=Words("A repayment"))
    cash_account = ledger.cash_account(org_id, cash_account)
    entry = ledger.post(Entry(org_id, on, f"Repayment of capital loan {loan.label}", (
        Line(cash_account, debit=amount), Line(RECEIVABLE, credit=amount, party_id=loan.party_id)),
        source=REPAYMENT_SOURCE, source_id=str(loan.id), idempotency_key=idempotency_key), actor_id)
    left = amount
    for installment in installments_of(loan.id):
        take = min(left, installment.amount - installment.paid)
        installment.paid += take
        left -= take
    loan.repaid += amount
    if loan.outstanding == 0:
        loan.status = "repaid"
    receipt = receipts.issue(org_id, kind="capital_loan_repayment", party_id=loan.party_id, amount=amount, on=on,
                             source=REPAYMENT_SOURCE, source_id=loan.id,
                             description=f"Repayment of capital loan {loan.label}", actor_id=actor_id,
                             received_from=received_from)
    repayment = Repayment(org_id=org_id, loan_id=loan.id, paid_on=on, amount=amount, cash_account=cash_account,
                          entry_id=entry.id, receipt_id=receipt.id, recorded_by=actor_id)
    db.session.add(repayment)
    db.session.flush()
    audit.record("groups.loan.repay", org_id=org_id, user_id=actor_id, target_type="capital_loan", target_id=loan.id)
    return repayment


def void_repayment(org_id: int, repayment_id: int, *, on: date, reason: str, actor_id: int | None) -> Repayment:
    """A mistaken repayment: its entry reversed, its receipt cancelled, the installments owed again; then it is
    entered again. Only a loan's latest repayment is voided, so what it paid is taken back from the installments it
    paid last (payments go to the oldest first)."""
    repayment = get_in_org(Repayment, org_id, repayment_id, "No such repayment.")
    loan = get_loan(org_id, repayment.loan_id, lock=True)
    repayment = get_in_org(Repayment, org_id, repayment_id, "No such repayment.", lock=True)
    if repayment.voided_on is not None:
        raise Conflict("This repayment is already void.")
    latest = db.session.scalar(select(Repayment.id).where(Repayment.loan_id == loan.id, Repayment.voided_on.is_(None))
                               .order_by(Repayment.paid_on.desc(), Repayment.id.desc()).limit(1))
    if latest != repayment.id:
        raise Conflict("Only the latest repayment on %(loan)s can be voided; void the later ones first.",
                       values={"loan": loan.label})
    if on < repayment.paid_on:
        raise Invalid("A repayment is voided on or after its date.", field="on")
    reversal = ledger.reverse(org_id, repayment.entry_id, on=on, reason=reason, actor_id=actor_id)
    receipts.cancel(org_id, repayment.receipt_id, reason, actor_id)
    left = repayment.amount
    for installment in reversed(installments_of(loan.id)):
        take = min(left, installment.paid)
        installment.paid -= take
        left -= take
    loan.repaid -= repayment.amount
    loan.status = "active"
    repayment.voided_on, repayment.void_reason, repayment.reversal_id = on, reason, reversal.id
    db.session.flush()
    audit.record("groups.loan.void_repayment", org_id=org_id, user_id=actor_id, target_type="capital_loan",
                 target_id=loan.id)
    return repayment


@dataclass(frozen=True)
class AgingRow:
    loan: CapitalLoan
    buckets: dict[str, int]  # centavos by AGING_BUCKETS


def aging(org_id: int, as_of: date) -> list[AgingRow]:
    """What is still owed on each active loan, by how long its installments are past due on `as_of`."""
    loans = {loan.id: loan for loan in list_loans(org_id, "active")}
    rows = {loan_id: dict.fromkeys(AGING_BUCKETS, 0) for loan_id in loans}
    if loans:
        for installment in db.session.scalars(select(Installment).where(
                Installment.loan_id.in_(loans), Installment.paid < Installment.amount)):
            late = (as_of - installment.due_on).days
            bucket = ("current" if late <= 0 else "1-30" if late <= 30 else "31-60" if late <= 60
                      else "61-90" if late <= 90 else "over-90")
            rows[installment.loan_id][bucket] += installment.amount - installment.paid
    return [AgingRow(loans[loan_id], buckets) for loan_id, buckets in rows.items()]


def revolving_fund(org_id: int) -> dict:
    """Lent, repaid into the revolving fund, and still out, over every capital loan."""
    lent, repaid = db.session.execute(select(func.coalesce(func.sum(CapitalLoan.principal), 0),
                                             func.coalesce(func.sum(CapitalLoan.repaid), 0))
                                      .where(CapitalLoan.org_id == org_id)).one()
    return {"lent": int(lent), "repaid": int(repaid), "outstanding": int(lent) - int(repaid)}


def control_balances(org_id: int) -> list[tuple[str, int, int]]:
    """`coop ledger check`: Capital Loans Receivable against what the open installment schedules still ask.
    A cooperative's chart has no such account: nothing to check there."""
    keys = ledger.balances_by_key(org_id)
    if RECEIVABLE not in keys:
        return []
    open_amount = db.session.scalar(
        select(func.coalesce(func.sum(Installment.amount - Installment.paid), 0))
        .join(CapitalLoan, CapitalLoan.id == Installment.loan_id).where(CapitalLoan.org_id == org_id))
    return [(RECEIVABLE, keys[RECEIVABLE].debit_balance, int(open_amount))]
