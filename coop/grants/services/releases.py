"""Releasing a tranche (maker asks, checker approves, the ledger posts against the fund) and purchases from it."""
from __future__ import annotations

from datetime import date
from typing import Callable

from sqlalchemy import select

from ...approvals import services as approvals
from ...audit import services as audit
from ...errors import Conflict, Invalid, Pesos, Sentence, Status
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...manifest import Execution, RecordHolder, plugins
from ...timeutil import utcnow
from ..models import DonorFund, Moa, MonitoringReport, Purchase, Tranche
from .base import CASH, ReleaseRefused, mark_done, pesos
from .beneficiaries import get_beneficiary
from .funds import fund_position, get_fund
from .moas import get_moa, get_tranche


def purchases_of(tranche_id: int) -> list[Purchase]:
    return list(db.session.scalars(select(Purchase).where(Purchase.tranche_id == tranche_id)
                                   .order_by(Purchase.bought_on, Purchase.id)))


def release_blocker(org_id: int, moa: Moa, tranche: Tranche) -> Sentence | None:
    """Why this tranche may not be released yet (said in the reader's language), or None when its time has come."""
    if moa.status != "signed":
        return Sentence("%(moa)s is %(status)s: tranches are released only under a signed MOA.", moa=moa.label,
                        status=Status(moa.status))
    if tranche.status == "released":
        return Sentence("Tranche %(seq)s is already released.", seq=tranche.seq)
    if tranche.status == "cancelled":
        return Sentence("Tranche %(seq)s was cancelled.", seq=tranche.seq)
    if tranche.seq == 1:
        return None
    previous = db.session.scalar(select(Tranche).where(Tranche.moa_id == moa.id, Tranche.seq == tranche.seq - 1))
    if previous.status != "released":
        return Sentence("Tranche %(seq)s is not released yet; tranches go in order.", seq=previous.seq)
    if tranche.condition == "receipts":
        spent = sum(p.amount for p in purchases_of(previous.id))
        if spent < previous.amount:
            return Sentence("Tranche %(seq)s waits for purchase receipts for tranche %(previous)s: %(spent)s of "
                            "%(amount)s recorded.", seq=tranche.seq, previous=previous.seq, spent=Pesos(spent),
                            amount=Pesos(previous.amount))
    if tranche.condition == "sales_report":
        reported = db.session.scalar(select(MonitoringReport.id).where(
            MonitoringReport.moa_id == moa.id, MonitoringReport.visited_on >= previous.released_on).limit(1))
        if reported is None:
            return Sentence("Tranche %(seq)s waits for a monthly sales report made after tranche %(previous)s was "
                            "released (%(day)s).", seq=tranche.seq, previous=previous.seq, day=previous.released_on)
    return None


def request_release(org_id: int, tranche_id: int, *, on: date, actor_id: int) -> Tranche:
    """The maker: asks for the release, to be approved by another staff member."""
    tranche = get_tranche(org_id, tranche_id)
    moa = get_moa(org_id, tranche.moa_id)
    tranche = get_tranche(org_id, tranche.id, lock=True)
    if tranche.status == "pending":
        raise Conflict("Tranche %(seq)s is already waiting for approval.", values={"seq": tranche.seq})
    blocker = release_blocker(org_id, moa, tranche)
    if blocker:
        raise ReleaseRefused(blocker)
    if moa.signed_on and on < moa.signed_on:
        raise Invalid("A release is dated on or after the signing.", field="release_on")
    tranche.status, tranche.requested_by, tranche.requested_at, tranche.release_on = "pending", actor_id, utcnow(), on
    db.session.flush()
    audit.record("grants.tranche.request", org_id=org_id, user_id=actor_id, target_type="tranche",
                 target_id=tranche.id)
    approvals.hold(org_id, RELEASE_KIND, {"tranche_id": tranche.id}, maker_id=actor_id,
                   subject=f"tranche:{tranche.id}", amount=tranche.amount)
    return tranche


RELEASE_KIND = "grants.tranche_release"


def withdraw_request(org_id: int, tranche_id: int, actor_id: int) -> Tranche:
    tranche = get_tranche(org_id, tranche_id, lock=True)
    if tranche.status != "pending":
        raise Conflict("Tranche %(seq)s is not waiting for approval.", values={"seq": tranche.seq})
    waiting = approvals.pending_for(org_id, RELEASE_KIND, f"tranche:{tranche.id}")
    if waiting is not None:
        approvals.withdraw(org_id, waiting.id, actor_id)
    return _back_to_planned(org_id, tranche, actor_id)


def _back_to_planned(org_id: int, tranche: Tranche, actor_id: int | None) -> Tranche:
    tranche.status, tranche.requested_by, tranche.requested_at, tranche.release_on = "planned", None, None, None
    db.session.flush()
    audit.record("grants.tranche.withdraw", org_id=org_id, user_id=actor_id, target_type="tranche",
                 target_id=tranche.id)
    return tranche


def execute_rejection(run: Execution) -> Tranche:
    """The checker turned the release down: the tranche is planned again, to be asked for anew."""
    tranche = get_tranche(run.org_id, run.payload["tranche_id"], lock=True)
    if tranche.status != "pending":
        raise Conflict("Tranche %(seq)s is not waiting for approval.", values={"seq": tranche.seq})
    return _back_to_planned(run.org_id, tranche, run.actor_id)


# How a tranche's money leaves the books, by the MOA's kind. coop.groups registers "loan" (a capital-loan
# release with its repayment schedule) through `release_kinds` in its manifest.

def record_holder(org_id: int, moa_id: int) -> RecordHolder | None:
    """The group that is the MOA's beneficiary of record (another package's `record_holders`), or None: then the
    woman who signed it is, and her party carries the release."""
    for source in plugins().record_holders:
        holder = source(org_id, moa_id)
        if holder is not None:
            return holder
    return None


ReleaseLines = Callable[[Moa, Tranche, DonorFund, int], tuple[Line, ...]]


def grant_release(moa: Moa, tranche: Tranche, fund: DonorFund, beneficiary_party: int) -> tuple[Line, ...]:
    return (Line("livelihood_grants_expense", debit=tranche.amount, party_id=beneficiary_party),
            Line(CASH, credit=tranche.amount),
            Line(fund.account_id, debit=tranche.amount, party_id=fund.party_id),
            Line("releases_from_restriction", credit=tranche.amount, party_id=fund.party_id))


def approve_release(org_id: int, tranche_id: int, *, actor_id: int, idempotency_key: str | None = None) -> Tranche:
    """The checker: a second staff member approves; the release posts against the donor's fund.

    Locks the fund, then the MOA, then the tranche (one order everywhere), so two releases from
    the same fund at once are serialised and the second sees what the first took.
    """
    tranche = get_tranche(org_id, tranche_id)
    if idempotency_key and tranche.status == "released" and tranche.entry_id:
        replay = ledger.find_by_idempotency_key(org_id, idempotency_key)
        if replay is not None and replay.id == tranche.entry_id:
            return tranche
    if tranche.status != "pending":
        raise Conflict("Tranche %(seq)s is %(status)s, not waiting for approval.",
                       values={"seq": tranche.seq, "status": Status(tranche.status)})
    approval_id = approvals.ensure_pending(org_id, RELEASE_KIND, f"tranche:{tranche.id}", {"tranche_id": tranche.id},
                                           maker_id=tranche.requested_by, amount=tranche.amount)
    return approvals.approve(org_id, approval_id, actor_id, idempotency_key=idempotency_key).outcome


def execute_release(run: Execution) -> Tranche:
    """The release itself, run once by coop.approvals after it checked the checker."""
    org_id, actor_id, idempotency_key = run.org_id, run.actor_id, run.idempotency_key
    tranche = get_tranche(org_id, run.payload["tranche_id"])
    moa = get_moa(org_id, tranche.moa_id)
    fund = get_fund(org_id, moa.fund_id, lock=True)
    moa = get_moa(org_id, moa.id, lock=True)
    tranche = get_tranche(org_id, tranche.id, lock=True)
    if tranche.status != "pending":
        raise Conflict("Tranche %(seq)s is %(status)s, not waiting for approval.",
                       values={"seq": tranche.seq, "status": Status(tranche.status)})
    blocker = release_blocker(org_id, moa, tranche)
    if blocker:
        raise ReleaseRefused(blocker)
    if moa.released_total + tranche.amount > moa.total:
        raise ReleaseRefused("This would release %(amount)s under an MOA of %(total)s.",
                             values={"amount": Pesos(moa.released_total + tranche.amount), "total": Pesos(moa.total)})
    position = fund_position(fund)
    if tranche.amount > position.left:
        raise ReleaseRefused("The %(donor_name)s fund has %(left)s left; tranche %(seq)s is %(amount)s.",
                             values={"donor_name": fund.donor_name, "left": Pesos(position.left), "seq": tranche.seq, "amount": Pesos(tranche.amount)})
    release = plugins().release_kinds.get(moa.kind)
    if release is None:
        raise ReleaseRefused("Capital-loan MOAs are released by the loans feature, which is not set up here yet.")
    beneficiary = get_beneficiary(org_id, moa.beneficiary_id)
    holder = record_holder(org_id, moa.id)  # a cluster whose enterprise the MOA funds, else her
    party_id, label = (holder.party_id, holder.label) if holder else (beneficiary.party_id, beneficiary.label)
    entry = ledger.post(Entry(org_id, tranche.release_on, f"{moa.label} tranche {tranche.seq} released to "
                              f"{label}", release(moa, tranche, fund, party_id),
                              source="grants.tranche", source_id=str(tranche.id), idempotency_key=idempotency_key),
                        actor_id)
    tranche.status, tranche.approved_by, tranche.released_on, tranche.entry_id = (
        "released", actor_id, tranche.release_on, entry.id)
    moa.released_total += tranche.amount
    moa.first_released_on = moa.first_released_on or tranche.release_on
    fund.committed -= tranche.amount
    mark_done(org_id, "tranche", moa.id, tranche.seq, tranche.release_on)
    db.session.flush()
    audit.record("grants.tranche.release", org_id=org_id, user_id=actor_id, target_type="tranche",
                 target_id=tranche.id, details={"entry_id": entry.id})
    return tranche


def add_purchase(org_id: int, tranche_id: int, data: dict, actor_id: int | None) -> Purchase:
    tranche = get_tranche(org_id, tranche_id)
    if tranche.status != "released":
        raise Invalid("Tranche %(seq)s is not released yet; purchases are made from released money.",
                      field="tranche_id", values={"seq": tranche.seq})
    if data["bought_on"] < tranche.released_on:
        raise Invalid("A purchase from a tranche is made on or after its release.", field="bought_on")
    purchase = Purchase(org_id=org_id, tranche_id=tranche.id, recorded_by=actor_id, **{
        key: data.get(key) for key in ("bought_on", "item", "supplier", "amount", "receipt_no")})
    db.session.add(purchase)
    db.session.flush()
    audit.record("grants.purchase.add", org_id=org_id, user_id=actor_id, target_type="tranche", target_id=tranche.id)
    return purchase
