from datetime import date

import pytest

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line


@pytest.fixture
def dawn(make_org, request):
    """A small cooperative with fixed ids: two members, a supplier and four entries (one reversed)."""
    # the entries are the export's material, posted directly without the domains' records behind them
    request.applymarker(pytest.mark.controls_disagree)
    from coop.inventory import services as inventory
    from coop.members import services as members

    org = make_org(slug="dawn")
    maria = members.create_member(org.id, name="Maria Santos", actor_id=None, mobile="+639171234567", town="Manila")
    ana = members.create_member(org.id, name="Ana Reyes, Jr.", actor_id=None)
    supplier = inventory.create_supplier(org.id, name="Avon Cosmetics Inc.", actor_id=None,
                                         email="orders@example.ph")
    p_maria, p_ana = members.member_party(maria), members.member_party(ana)
    ledger.post(Entry(org.id, date(2026, 11, 3), "Share capital installment 1/4", (
        Line("cash_on_hand", debit=50_000), Line("paid_up_share_capital_common", credit=50_000, party_id=p_maria)),
        source="receipt", source_id="OR-5531"))
    ledger.post(Entry(org.id, date(2026, 11, 4), "Emergency loan release, EL-0091", (
        Line("loans_receivable_emergency", debit=200_000, party_id=p_ana), Line("cash_on_hand", credit=200_000)),
        source="loan", source_id="EL-0091"))
    wrong = ledger.post(Entry(org.id, date(2026, 11, 5), "Goods from Avon", (
        Line("merchandise_inventory", debit=123_456, memo="lipsticks"),
        Line("accounts_payable_trade", credit=123_456, party_id=supplier.party_id))))
    ledger.reverse(org.id, wrong.id, on=date(2026, 11, 6), reason="wrong supplier")
    db.session.commit()
    return org
