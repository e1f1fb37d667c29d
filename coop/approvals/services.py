"""Maker-checker, once for every domain.

A domain declares its kinds in its manifest (`approval_kinds`: name -> `coop.manifest.ApprovalKind`).
Its request verb calls `hold` (always a second person) or `run_or_hold` (a second person only above
the kind's policy amount); its decision verbs, the inbox page and the API call `approve` / `reject`.
`approve` locks the command's row, refuses the maker and anyone without the kind's role with one error
(`NotTheChecker`, 403 everywhere), and runs the kind's executor exactly once: a second approval, or
one that lost a race, finds the command decided and gets a 409.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..audit import services as audit
from ..auth import services as auth
from ..errors import Conflict, CoopError, Forbidden, NotFound, Status, Words, keep, said
from ..extensions import db
from ..kernel import get_in_org
from ..manifest import ApprovalKind, Execution, plugins
from ..orgs.services import get_setting
from ..timeutil import today, utcnow
from .models import APPROVED, FAILED, PENDING, REJECTED, STATUSES, WITHDRAWN, Approval


class NotTheChecker(Forbidden):
    """The one refusal of maker-checker, whatever the domain: the maker, or a role that may not check."""

    title = "A second person must decide"
    MESSAGE = Words("Someone other than the person who asked, with a role that may approve it, must decide this "
                    "(maker-checker).")

    def __init__(self):
        super().__init__(self.MESSAGE)


class CommandFailed(Conflict):
    """The command can never run any more (what it acts on changed); it is kept as failed."""

    title = "The request can no longer be carried out"
    keep_changes = True  # the failed mark and its audit row stay, though the request answers 409


@dataclass(frozen=True)
class Outcome:
    """What run_or_hold did: `held` is the pending command, else `result` is what ran at once."""

    held: Approval | None
    result: object = None


def kind_of(name: str) -> ApprovalKind:
    found = plugins().approval_kinds.get(name)
    if found is None:
        raise NotFound("No approval kind %(name)s.", values={"name": name})
    return found


def needs_approval(org_id: int, kind: str, amount: int | None) -> bool:
    """Whether a second person must decide: always, unless the kind has a policy amount and this is within it."""
    spec = kind_of(kind)
    if spec.threshold is None:
        return True
    return amount is None or amount > get_setting(org_id, spec.threshold)


def hold(org_id: int, kind: str, payload: dict, *, maker_id: int | None, subject: str | None = None,
         amount: int | None = None, idempotency_key: str | None = None) -> Approval:
    """Store the command for a second person; a retry with the same key gets the first back."""
    kind_of(kind)
    if idempotency_key:
        earlier = db.session.scalar(select(Approval).where(Approval.org_id == org_id,
                                                           Approval.idempotency_key == idempotency_key))
        if earlier is not None:
            if earlier.kind != kind or earlier.payload != payload:
                raise Conflict("This idempotency key was used for a different request.")
            return earlier
    if subject is not None and pending_for(org_id, kind, subject) is not None:
        raise Conflict("This is already waiting for a second person's decision.")
    row = Approval(org_id=org_id, kind=kind, subject=subject, payload=payload, amount=amount, status=PENDING,
                   requested_by=maker_id, idempotency_key=idempotency_key)
    db.session.add(row)
    db.session.flush()
    audit.record("approval.request", org_id=org_id, user_id=maker_id, target_type="approval", target_id=row.id,
                 details={"kind": kind, "subject": subject})
    return row


def run_or_hold(org_id: int, kind: str, payload: dict, *, maker_id: int | None, amount: int | None = None,
                subject: str | None = None, on: date | None = None, idempotency_key: str | None = None) -> Outcome:
    """Run the command now when the policy lets one person do it, else hold it for a second person.
    The kind's `check` refuses a bad command first (nothing is held) and gives the amount to compare."""
    spec = kind_of(kind)
    if spec.amount is not None:  # execute makes every check `check` makes: a command run now is checked once
        amount = spec.amount(payload)
        held = needs_approval(org_id, kind, amount)
        if held and spec.check is not None:
            spec.check(org_id, payload, idempotency_key)
    else:
        if spec.check is not None:
            amount = spec.check(org_id, payload, idempotency_key)
        held = needs_approval(org_id, kind, amount)
    if held:
        return Outcome(hold(org_id, kind, payload, maker_id=maker_id, subject=subject, amount=amount,
                            idempotency_key=idempotency_key))
    execution = Execution(org_id, None, payload, maker_id, maker_id, on or today(), "", idempotency_key)
    return Outcome(None, spec.execute(execution))


def may_decide(org_id: int, approval: Approval, user_id: int | None) -> bool:
    """Whether this user may approve or reject the command: not the maker, and a role the kind names."""
    if user_id is None or approval.status != PENDING:
        return False
    spec = plugins().approval_kinds.get(approval.kind)
    if spec is None or (approval.requested_by is not None and approval.requested_by == user_id):
        return False
    return auth.role_in(user_id, org_id) in spec.roles


def _check_checker(org_id: int, approval: Approval, checker_id: int | None) -> None:
    """The maker cannot decide her own command, nor can a role the kind does not name (a job or the
    command line, with no user, decides as the organization itself)."""
    if checker_id is None:
        return
    if approval.requested_by is not None and approval.requested_by == checker_id:
        raise NotTheChecker()
    if auth.role_in(checker_id, org_id) not in kind_of(approval.kind).roles:
        raise NotTheChecker()


def _locked_pending(org_id: int, approval_id: int) -> Approval:
    row = get_in_org(Approval, org_id, approval_id, "No such request for approval.", lock=True)
    if row.status != PENDING:
        raise Conflict("This request was already %(status)s.", values={"status": Status(row.status)})
    return row


def approve(org_id: int, approval_id: int, checker_id: int | None, *, on: date | None = None, note: str = "",
            idempotency_key: str | None = None) -> Approval:
    """Run the held command, once, as the checker. A domain error from it leaves the command pending
    (the checker sees why and may reject it), except a conflict, after which it can never run: failed."""
    approval = _locked_pending(org_id, approval_id)
    _check_checker(org_id, approval, checker_id)
    spec = kind_of(approval.kind)
    execution = Execution(org_id, approval.id, dict(approval.payload), approval.requested_by, checker_id,
                          on or today(), (note or "").strip()[:300], idempotency_key or approval.idempotency_key)
    savepoint = db.session.begin_nested()
    try:
        outcome = spec.execute(execution)
    except CoopError as error:
        savepoint.rollback()
        if not isinstance(error, Conflict):
            raise
        _close_domain_record(spec, execution, error.message)
        approval.failure = keep(error.sentence)  # said to each reader in her language; `reason` keeps the English
        _decide(approval, FAILED, checker_id, error.message)
        raise CommandFailed(error.sentence, field=error.field) from error
    savepoint.commit()
    _decide(approval, APPROVED, checker_id, execution.note, outcome)
    return approval


def _close_domain_record(spec: ApprovalKind, execution: Execution, why: str) -> None:
    """A command that can never run closes the domain's record as a rejection would, where it still can
    (when the record is closed already, which is usually why the command conflicted, nothing is left to do)."""
    if spec.on_reject is None:
        return
    savepoint = db.session.begin_nested()
    try:
        spec.on_reject(Execution(execution.org_id, execution.approval_id, execution.payload, execution.maker_id,
                                 execution.actor_id, execution.on, why[:300]))
    except CoopError:
        savepoint.rollback()
    else:
        savepoint.commit()


def reject(org_id: int, approval_id: int, checker_id: int | None, reason: str = "", *,
           on: date | None = None) -> Approval:
    """Turn the command down (the same people who may approve it); the domain closes its own record."""
    approval = _locked_pending(org_id, approval_id)
    _check_checker(org_id, approval, checker_id)
    reason = (reason or "").strip()[:300]
    spec = kind_of(approval.kind)
    outcome = None
    if spec.on_reject is not None:
        outcome = spec.on_reject(Execution(org_id, approval.id, dict(approval.payload), approval.requested_by,
                                           checker_id, on or today(), reason))
    _decide(approval, REJECTED, checker_id, reason, outcome)
    return approval


def withdraw(org_id: int, approval_id: int, actor_id: int | None) -> Approval:
    """The request is taken back before anyone decided it (the domain's own withdraw or cancel verb)."""
    approval = _locked_pending(org_id, approval_id)
    _decide(approval, WITHDRAWN, actor_id, None)
    return approval


_ACTIONS = {APPROVED: "approval.approve", REJECTED: "approval.reject", FAILED: "approval.fail",
            WITHDRAWN: "approval.withdraw"}


def _decide(approval: Approval, status: str, actor_id: int | None, reason: str | None, outcome=None) -> None:
    approval.status, approval.decided_by, approval.decided_at = status, actor_id, utcnow()
    approval.reason = reason or None
    ref = getattr(outcome, "id", None)
    approval.result_ref = None if ref is None else str(ref)
    approval.outcome = outcome
    db.session.flush()
    audit.record(_ACTIONS[status], org_id=approval.org_id,
                 user_id=actor_id, target_type="approval", target_id=approval.id,
                 details={"kind": approval.kind, "subject": approval.subject, "result": approval.result_ref})


def reason_of(approval: Approval) -> str | None:
    """Why it ended: the checker's own words as she wrote them, or why the command failed in the reader's language."""
    return said(approval.failure) if approval.failure else approval.reason


def pending_for(org_id: int, kind: str, subject: str) -> Approval | None:
    return db.session.scalar(select(Approval).where(Approval.org_id == org_id, Approval.kind == kind,
                                                    Approval.subject == subject, Approval.status == PENDING))


def pending_id(org_id: int, kind: str, subject: str) -> int:
    """The pending command for this subject, for a domain's decision verb; 409 when there is none."""
    found = pending_for(org_id, kind, subject)
    if found is None:
        raise Conflict("Nothing about this is waiting for a decision.")
    return found.id


def ensure_pending(org_id: int, kind: str, subject: str, payload: dict, *, maker_id: int | None,
                   amount: int | None = None) -> int:
    """The pending command for a domain record that waits for a decision; held now for one recorded before
    this mechanism existed (its maker is the record's own)."""
    found = pending_for(org_id, kind, subject)
    if found is not None:
        return found.id
    return hold(org_id, kind, payload, maker_id=maker_id, subject=subject, amount=amount).id


def get_approval(org_id: int, approval_id: int) -> Approval:
    return get_in_org(Approval, org_id, approval_id, "No such request for approval.")


def approvals(org_id: int, status: str | None = PENDING, limit: int = 100, before: int | None = None,
              kind: str | None = None) -> list[Approval]:
    """Commands newest first (pending ones oldest first: the queue), optionally of one status or kind."""
    query = select(Approval).where(Approval.org_id == org_id)
    if status is not None:
        if status not in STATUSES:
            raise NotFound("No status %(status)s.", values={"status": Status(status)})
        query = query.where(Approval.status == status)
    if kind is not None:
        query = query.where(Approval.kind == kind)
    if before is not None:
        query = query.where(Approval.id < before)
    order = Approval.id.asc() if status == PENDING else Approval.id.desc()
    return list(db.session.scalars(query.order_by(order).limit(limit)))


def count_pending(org_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Approval).where(
        Approval.org_id == org_id, Approval.status == PENDING)) or 0


def describe(approval: Approval) -> list[tuple[str, str]]:
    """The command's payload in plain words (the kind's own describer), else its values as they are."""
    spec = plugins().approval_kinds.get(approval.kind)
    if spec is not None and spec.describe is not None:
        return [(str(label), str(value)) for label, value in spec.describe(approval.org_id, dict(approval.payload))]
    return [(str(key), str(value)) for key, value in sorted(approval.payload.items())]


def label_of(approval: Approval) -> str:
    spec = plugins().approval_kinds.get(approval.kind)
    return str(spec.label) if spec is not None else approval.kind


def link_of(approval: Approval) -> tuple[str, dict] | None:
    spec = plugins().approval_kinds.get(approval.kind)
    if spec is None or spec.link is None:
        return None
    return spec.link(approval.org_id, dict(approval.payload))
