"""The one maker-checker mechanism: held, decided once by a second person with the role, audited."""
import pytest
from sqlalchemy import select

from coop.approvals import services as approvals
from coop.approvals.models import Approval
from coop.audit.models import AuditEvent
from coop.errors import Conflict, Invalid
from coop.extensions import db
from coop.orgs.services import set_setting


def _held(org, maker, payload=None, kind="test.always", **kw):
    row = approvals.hold(org.id, kind, payload or {"n": 1}, maker_id=maker.id, **kw)
    db.session.commit()
    return row


def test_a_second_officer_approves_and_it_runs_once(make_org, make_user, box):
    org = make_org()
    maker, checker = make_user(org, "officer"), make_user(org, "officer")
    row = _held(org, maker, amount=5_000)
    assert row.status == "pending" and box.runs == [] and approvals.count_pending(org.id) == 1
    done = approvals.approve(org.id, row.id, checker.id, note="ok")
    db.session.commit()
    assert done.status == "approved" and done.decided_by == checker.id and done.result_ref == "1"
    assert [(r.maker_id, r.actor_id, r.note) for r in box.runs] == [(maker.id, checker.id, "ok")]
    with pytest.raises(Conflict):
        approvals.approve(org.id, row.id, checker.id)
    assert len(box.runs) == 1 and approvals.count_pending(org.id) == 0


def test_the_maker_and_a_role_that_may_not_check_get_the_same_refusal(make_org, make_user, box):
    org = make_org()
    maker, auditor, attendant = make_user(org, "officer"), make_user(org, "auditor"), make_user(org, "attendant")
    row = _held(org, maker)
    refusals = []
    for who in (maker, auditor, attendant):
        with pytest.raises(approvals.NotTheChecker) as refused:
            approvals.approve(org.id, row.id, who.id)
        refusals.append((refused.value.status, refused.value.message))
        with pytest.raises(approvals.NotTheChecker):
            approvals.reject(org.id, row.id, who.id, "no")
    assert len(set(refusals)) == 1 and refusals[0][0] == 403
    assert box.runs == [] and db.session.get(Approval, row.id).status == "pending"
    assert not approvals.may_decide(org.id, row, maker.id) and not approvals.may_decide(org.id, row, auditor.id)


def test_each_kind_names_its_checkers(make_org, make_user, box):
    org = make_org("ngo")
    maker, officer, staff = make_user(org, "grant_staff"), make_user(org, "officer"), make_user(org, "grant_staff")
    row = _held(org, maker, kind="test.grants")
    with pytest.raises(approvals.NotTheChecker):
        approvals.approve(org.id, row.id, officer.id)
    assert approvals.may_decide(org.id, row, staff.id)
    assert approvals.approve(org.id, row.id, staff.id).status == "approved"


def test_reject_closes_it_and_tells_the_domain(make_org, make_user, box):
    org = make_org()
    maker, checker = make_user(org, "officer"), make_user(org, "admin")
    row = _held(org, maker)
    done = approvals.reject(org.id, row.id, checker.id, "not needed")
    assert done.status == "rejected" and done.reason == "not needed"
    assert [r.note for r in box.rejections] == ["not needed"] and box.runs == []
    with pytest.raises(Conflict):
        approvals.approve(org.id, row.id, checker.id)


def test_a_refusal_by_the_command_keeps_it_pending_and_a_conflict_marks_it_failed(make_org, make_user, box):
    org = make_org()
    maker, checker = make_user(org, "officer"), make_user(org, "officer")
    row = _held(org, maker, {"refuse": True})
    with pytest.raises(Invalid):
        approvals.approve(org.id, row.id, checker.id)
    db.session.rollback()
    assert db.session.get(Approval, row.id).status == "pending"
    gone = _held(org, maker, {"conflict": True})
    with pytest.raises(approvals.CommandFailed) as failed:
        approvals.approve(org.id, gone.id, checker.id)
    assert failed.value.status == 409 and failed.value.keep_changes
    db.session.commit()  # the boundary keeps the failed mark (keep_changes)
    assert db.session.get(Approval, gone.id).status == "failed" and db.session.get(Approval, gone.id).reason == "Gone."


def test_run_or_hold_runs_within_the_policy_amount_and_holds_above(make_org, make_user, box):
    org = make_org()
    maker = make_user(org, "officer")
    set_setting(org.id, "ledger.approval_threshold", 100_000, None)
    at_once = approvals.run_or_hold(org.id, "test.policy", {"amount": 100_000}, maker_id=maker.id)
    assert at_once.held is None and at_once.result.id == 1 and box.runs[0].actor_id == maker.id
    held = approvals.run_or_hold(org.id, "test.policy", {"amount": 100_001}, maker_id=maker.id)
    assert held.held is not None and held.held.status == "pending" and len(box.runs) == 1
    assert approvals.run_or_hold(org.id, "test.always", {}, maker_id=maker.id).held is not None


def test_one_pending_per_subject_and_a_retried_key_gets_the_first(make_org, make_user, box):
    org = make_org()
    maker = make_user(org, "officer")
    first = _held(org, maker, subject="thing:1", idempotency_key="k1")
    assert approvals.hold(org.id, "test.always", {"n": 1}, maker_id=maker.id, subject="thing:1",
                          idempotency_key="k1").id == first.id
    with pytest.raises(Conflict):
        approvals.hold(org.id, "test.always", {"n": 2}, maker_id=maker.id, subject="thing:1")
    with pytest.raises(Conflict):
        approvals.hold(org.id, "test.always", {"n": 2}, maker_id=maker.id, idempotency_key="k1")
    approvals.withdraw(org.id, first.id, maker.id)
    assert approvals.pending_for(org.id, "test.always", "thing:1") is None


def test_request_approve_reject_leave_audit_rows(make_org, make_user, box):
    org = make_org()
    maker, checker = make_user(org, "officer"), make_user(org, "officer")
    one, two = _held(org, maker), _held(org, maker)
    approvals.approve(org.id, one.id, checker.id)
    approvals.reject(org.id, two.id, checker.id, "no")
    db.session.commit()
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "approval")
                                      .order_by(AuditEvent.id)))
    assert actions == ["approval.request", "approval.request", "approval.approve", "approval.reject"]


def test_another_organizations_request_is_not_found(make_org, make_user, box):
    org, other = make_org(), make_org()
    row = _held(org, make_user(org, "officer"))
    with pytest.raises(Exception) as missing:
        approvals.approve(other.id, row.id, make_user(other, "officer").id)
    assert getattr(missing.value, "status", None) == 404
