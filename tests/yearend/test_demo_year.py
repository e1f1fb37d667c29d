"""Issue 17's "done when", on the seeded demo: last year closed and allocated end to end through the pages AND
the API by two officers (a general assembly date and resolution number), every posted figure traced to the
member's schedule line, the statements reconciling to the trial balance to the centavo for both organizations
(the NGO's year closed into net assets the same way), and the refusals on the way."""
from datetime import date, timedelta

from coop import demo
from coop.extensions import db
from coop.grants import services as grants
from coop.ledger import services as ledger
from coop.orgs.services import get_by_slug
from coop.reports import activities, statements
from coop.reports import services as reports
from coop.timeutil import today
from coop.yearend import services as yearend

PASSWORDS = {username: password for username, password, _n, _r, _s in demo.DEMO_USERS}
LAW = {"reserve": "10", "education": "10", "federation_share": "50", "community": "3", "optional": "7",
       "interest_rate": "5", "capital_method": "month_end"}


def _browser(app, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORDS[username]}).status_code == 303
    return client


def _api(app, username):
    from coop.auth.services import issue_token
    from coop.auth.models import User
    from sqlalchemy import select

    user = db.session.scalar(select(User).where(User.username == username))
    token = issue_token(user.id, "test")
    db.session.commit()
    client = app.test_client()

    class Api:
        def get(self, url):
            return client.get(url, headers={"Authorization": f"Bearer {token}"})

        def post(self, url, json=None, headers=None):
            return client.post(url, json=json or {}, headers={"Authorization": f"Bearer {token}", **(headers or {})})

    return Api()


def _reconciles(org_id: int, year: int) -> None:
    """The CDA statements of `year` (and the year before, the comparative column) against the trial balance."""
    condition = statements.financial_condition(org_id, year)
    accounts = {a.code: a for a in ledger.list_accounts(org_id)}
    for n, y in enumerate(condition.years):
        tb = reports.trial_balance(org_id, date(y, 12, 31))
        assert tb.total_debit == tb.total_credit
        assets = sum(r.debit - r.credit for r in tb.rows if accounts[r.code].type == "asset")
        assert condition.total_assets[n] == assets == condition.total_liabilities_and_equity[n]
    equity = statements.changes_in_equity(org_id, year)
    assert [block.total("closing") for block in equity] == list(condition.total_equity)
    flows = statements.cash_flows(org_id, year)
    cash = [a.id for a in ledger.list_accounts(org_id) if a.is_cash]
    for n, y in enumerate(condition.years):
        end, start = ledger.balances_as_of(org_id, date(y, 12, 31)), ledger.balances_as_of(org_id, date(y - 1, 12, 31))
        assert flows.net_change[n] == sum(end[a].debit_balance for a in cash if a in end) - sum(
            start[a].debit_balance for a in cash if a in start)
    operations = statements.year_operations(org_id, year)
    assert [block.total("net_surplus") for block in equity] == list(operations.net_surplus)


def test_the_demo_year_is_closed_allocated_and_reconciled_through_pages_and_api(app):
    demo.seed()
    db.session.commit()
    coop, ngo = get_by_slug(demo.COOP_SLUG), get_by_slug(demo.NGO_SLUG)
    year = today().year - 1
    officer, officer2, auditor = _api(app, "officer"), _api(app, "officer2"), _api(app, "auditor")
    base, inbox = f"/api/v1/orgs/{coop.slug}/yearend", f"/api/v1/orgs/{coop.slug}/approvals"

    # refusals before the close: allocating an unclosed year, closing a year not yet over, an auditor asking
    assert officer.post(f"{base}/allocations", json={"year": year, **{k: float(v) for k, v in LAW.items()
                                                                      if k != "capital_method"}}).status_code == 422
    assert officer.post(f"{base}/years/close", json={"year": today().year}).status_code == 422
    assert auditor.post(f"{base}/years/close", json={"year": year}).status_code == 403
    # the close: asked through the API, approved once by the second officer (not the maker; not twice)
    asked = officer.post(f"{base}/years/close", json={"year": year})
    assert asked.status_code == 202
    assert officer.post(f"{base}/years/close", json={"year": year}).status_code == 409  # one request at a time
    assert officer.post(f"{inbox}/{asked.json['id']}/approval").status_code == 403
    assert officer2.post(f"{inbox}/{asked.json['id']}/approval").status_code == 200
    assert officer2.post(f"{inbox}/{asked.json['id']}/approval").status_code == 409
    closed = {row["year"]: row for row in auditor.get(f"{base}/years").json}[year]
    assert closed["status"] == "closed"

    # the proposal through the page, the board's review through the API
    page = _browser(app, "officer")
    drafted = page.post(f"/o/{coop.slug}/yearend/allocations", data={"year": year, **LAW})
    assert drafted.status_code == 303, drafted.data
    allocation_id = int(drafted.headers["Location"].rstrip("/").split("/")[-1])
    proposal = auditor.get(f"{base}/allocations/{allocation_id}").json
    assert proposal["status"] == "draft" and all(check["passed"] for check in proposal["checks"])
    assert proposal["net_surplus"] == closed["net_surplus"] > 0
    amounts = proposal["amounts"]
    assert sum(amounts.values()) == proposal["net_surplus"]  # every centavo of the surplus allocated
    assert sum(line["interest"] for line in proposal["schedule"]) == amounts["interest"]
    assert sum(line["refund"] for line in proposal["schedule"]) == amounts["refund"]
    # posting before the assembly's approval is refused
    assert officer.post(f"{base}/allocations/{allocation_id}/post", json={"on": today().isoformat()}).status_code == 422
    assert officer.post(f"{base}/allocations/{allocation_id}/review", json={"board_resolution": "BR-77"}).status_code == 200
    # the assembly: a date before the year's end is refused, then the real one, confirmed on the inbox page
    early = officer.post(f"{base}/allocations/{allocation_id}/approval",
                         json={"resolution_number": "GA-1", "assembly_date": date(year, 12, 15).isoformat()})
    assert early.status_code == 422
    assembly = today() - timedelta(days=1) if today() - timedelta(days=1) > date(year, 12, 31) else today()
    asked = officer.post(f"{base}/allocations/{allocation_id}/approval",
                         json={"resolution_number": f"GA-{year}-03", "assembly_date": assembly.isoformat()})
    assert asked.status_code == 202
    assert page.post(f"/o/{coop.slug}/approvals/{asked.json['id']}/approve", data={}).status_code == 403
    second = _browser(app, "officer2")
    assert second.post(f"/o/{coop.slug}/approvals/{asked.json['id']}/approve", data={}).status_code == 303
    assert second.post(f"/o/{coop.slug}/approvals/{asked.json['id']}/approve", data={}).status_code in (303, 409)
    approved = auditor.get(f"{base}/allocations/{allocation_id}").json
    assert approved["status"] == "approved" and approved["resolution_number"] == f"GA-{year}-03"
    assert approved["assembly_date"] == assembly.isoformat()

    # posted through the page, once
    posted = page.post(f"/o/{coop.slug}/yearend/allocations/{allocation_id}/post",
                       data={"on": today().isoformat(), "idempotency_key": "demo-post"})
    assert posted.status_code == 303
    again = officer.post(f"{base}/allocations/{allocation_id}/post", json={"on": today().isoformat()})
    assert again.status_code in (409, 422)
    body = auditor.get(f"{base}/allocations/{allocation_id}").json
    assert body["status"] == "posted" and body["entry_id"]

    # every posted figure traced to the member's schedule line
    entry = ledger.get_entry(coop.id, body["entry_id"])
    keys = {a.id: a.key for a in ledger.list_accounts(coop.id)}
    by_party: dict[tuple[str, int], int] = {}
    funds: dict[str, int] = {}
    for line in entry.lines:
        key = keys[line.account_id]
        if line.party_id is not None:
            by_party[(key, line.party_id)] = by_party.get((key, line.party_id), 0) + line.credit - line.debit
        else:
            funds[key] = funds.get(key, 0) + line.credit - line.debit
    for line in body["schedule"]:
        assert by_party.get(("interest_on_share_capital_payable", line["party_id"]), 0) == line["interest"]
        assert by_party.get(("patronage_refund_payable", line["party_id"]), 0) == line["refund"]
    assert sum(v for (k, _p), v in by_party.items() if k == "interest_on_share_capital_payable") == amounts["interest"]
    assert sum(v for (k, _p), v in by_party.items() if k == "patronage_refund_payable") == amounts["refund"]
    assert sum(line.debit for line in entry.lines if keys[line.account_id] == "undivided_net_surplus") == body["net_surplus"]
    for key, in_ledger, own in yearend.control_balances(coop.id):
        assert in_ledger == own, key

    # a member's payout through the page, her slip (page and PDF)
    first = body["schedule"][0]
    paid = page.post(f"/o/{coop.slug}/yearend/allocations/{allocation_id}/members/{first['member_id']}/payout",
                     data={"choice": "cash", "on": today().isoformat(), "cash_account": "cash_on_hand",
                           "idempotency_key": "demo-payout"})
    assert paid.status_code == 303
    reader = _browser(app, "auditor")
    slip = f"/o/{coop.slug}/yearend/allocations/{allocation_id}/members/{first['member_id']}"
    assert reader.get(slip).status_code == 200 and reader.get(slip + ".pdf").data.startswith(b"%PDF")

    # the NGO closes the same year into net assets, two staff members, through the API
    grants_api, grants2 = _api(app, "grants"), _api(app, "grants2")
    ngo_base = f"/api/v1/orgs/{ngo.slug}/grants"
    ngo_years = {row["year"]: row for row in grants_api.get(f"{ngo_base}/years").json}
    assert year in ngo_years and not ngo_years[year]["closed"]  # the demo NGO has books last year
    if True:
        asked = grants_api.post(f"{ngo_base}/years/close", json={"year": year})
        assert asked.status_code == 202
        assert grants2.post(f"/api/v1/orgs/{ngo.slug}/approvals/{asked.json['id']}/approval").status_code == 200
        assert grants_api.get(f"{ngo_base}/years").json[0]["closed"]

    # the statements reconcile to the trial balance to the centavo: the closed year and this one
    db.session.expire_all()
    _reconciles(coop.id, year)
    _reconciles(coop.id, today().year)
    for y in (year, today().year):
        report, position = activities.activities(ngo.id, y), activities.financial_position(ngo.id, y)
        assert report.line("closing")[:2] == (position.without[0], position.with_restrictions[0])
        assert position.total_assets == position.total_liabilities_and_net_assets
        tb = ledger.balances_as_of(ngo.id, date(y, 12, 31))
        assert sum(b.debit_balance for a, b in tb.items()
                   if ledger.get_account(ngo.id, a).type == "asset") == position.total_assets[0]
        assert all(f.reconciles for f in grants.fund_years(ngo.id, y))
    assert ledger.recompute_problems(coop.id) == [] and ledger.recompute_problems(ngo.id) == []
