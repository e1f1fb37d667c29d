"""Demo activity for the NGO: two donors, women at different stages (invented names), one MOA well under way."""
from __future__ import annotations

from datetime import date, timedelta

from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..timeutil import today
from . import services

PLAN = {"business_type": "Vegetable buying and selling", "location": "Public market stall, San Fernando, La Union",
        "summary": "Buys vegetables from farmers at dawn and sells them at the market and to two eateries.",
        "amount_requested": 1_500_000, "projected_sales": 1_800_000, "projected_costs": 1_350_000,
        "lines": [{"item": "Weighing scale and crates", "amount": 350_000},
                  {"item": "Stall rental deposit", "amount": 300_000},
                  {"item": "First stock of vegetables", "amount": 850_000}]}
REVIEW = {"interview_note": "Knows prices and suppliers from her family's farm; her husband will help deliver.",
          "visit_note": "Stall space confirmed with the market administrator.",
          "feasibility_note": "Sales projection is modest compared with neighbouring stalls; margins are realistic.",
          "decision": "approved", "reason": "Sound plan, experience in the trade, family support."}


def _last_year(org_id: int, fund_id: int, maker: int, year: int) -> None:
    """Last year's books, so the demo can close that year into net assets: the donor's first gift, a parish
    donation without restrictions and the office's rent."""
    services.receive(org_id, fund_id, on=date(year, 11, 3), amount=5_000_000, reference="Bank credit 0311",
                     actor_id=maker, idempotency_key="demo-grants-ilo-0")
    for on, memo, lines in (
            (date(year, 11, 20), "Donation from the parish, no restriction", (
                Line("cash_in_bank", debit=2_000_000), Line("donor_contributions_unrestricted", credit=2_000_000))),
            (date(year, 12, 1), "Office rent, November and December", (
                Line("office_expense", debit=1_200_000), Line("cash_in_bank", credit=1_200_000)))):
        ledger.post(Entry(org_id, on, memo, lines, source="demo", idempotency_key=f"demo-grants-{on}"), maker)


def seed_demo(_coop_id: int, org_id: int, users: dict) -> None:
    maker, checker = users["grants"].id, users["grants2"].id
    day = today()
    ilo = services.add_fund(org_id, "ILO economic reintegration project (demo)", "Livelihood grants for survivors",
                            maker)
    parish = services.add_fund(org_id, "Parish social action fund (demo)", "Small grants for home businesses", maker)
    _last_year(org_id, ilo.id, maker, day.year - 1)
    services.receive(org_id, ilo.id, on=day - timedelta(days=150), amount=15_000_000, reference="Bank credit 0412",
                     actor_id=maker, idempotency_key="demo-grants-ilo-1")
    services.receive(org_id, parish.id, on=day - timedelta(days=130), amount=4_000_000, reference="Check 118734",
                     actor_id=maker, idempotency_key="demo-grants-parish-1")

    people = [services.add_beneficiary(org_id, {"name": name, "town": town, "province": province}, maker)
              for name, town, province in (("Ana Halimbawa", "San Fernando", "La Union"),
                                           ("Bea Halimbawa", "Quezon City", "Metro Manila"),
                                           ("Carmen Halimbawa", "Dagupan", "Pangasinan"),
                                           ("Dina Halimbawa", "Caloocan", "Metro Manila"),
                                           ("Elena Halimbawa", "Bauang", "La Union"))]
    ana, bea, carmen, _dina, elena = people
    for woman in (ana, bea, carmen, elena):
        services.certify_ready(org_id, woman.id, on=day - timedelta(days=140), actor_id=checker,
                               note="Counselling sessions completed; ready to plan a business.")
        services.add_training(org_id, woman.id, {"course": "Start Your Business", "provider": "Center for Small "
                              "Entrepreneurs", "started_on": day - timedelta(days=135),
                              "ended_on": day - timedelta(days=124), "completed": True}, maker)

    # Ana: approved, signed, three tranches released with receipts, two months of monitoring.
    plan = services.create_plan(org_id, ana.id, PLAN, maker)
    services.submit_plan(org_id, plan.id, maker)
    services.review_plan(org_id, plan.id, {**REVIEW, "interviewed_on": day - timedelta(days=110),
                                           "visited_on": day - timedelta(days=108)}, checker)
    start = day - timedelta(days=75)
    moa = services.draft_moa(org_id, plan.id, fund_id=ilo.id, centre_signatory="Centre director (demo)", actor_id=maker,
                             tranches=[{"amount": 500_000, "planned_on": start, "condition": "on_signing"},
                                       {"amount": 500_000, "planned_on": start + timedelta(days=15),
                                        "condition": "receipts"},
                                       {"amount": 500_000, "planned_on": start + timedelta(days=35),
                                        "condition": "sales_report"}])
    services.sign_moa(org_id, moa.id, on=start - timedelta(days=2), actor_id=maker)
    first, second, third = services.tranches_of(moa.id)
    _release(org_id, first.id, start, maker, checker)
    for n, (item, amount) in enumerate((("Weighing scale and crates", 350_000), ("Stall deposit", 150_000)), 1):
        services.add_purchase(org_id, first.id, {"bought_on": start + timedelta(days=1), "item": item,
                                                 "supplier": "San Fernando market", "amount": amount,
                                                 "receipt_no": f"OR-55{n}"}, maker)
    _release(org_id, second.id, start + timedelta(days=15), maker, checker)
    services.record_monitoring(org_id, moa.id, {"visited_on": start + timedelta(days=31), "sales": 1_620_000,
                                                "costs": 1_300_000, "savings": 150_000,
                                                "visit_note": "Stall busy on market days; records kept in a notebook."},
                               checker)
    _release(org_id, third.id, start + timedelta(days=36), maker, checker)
    services.record_monitoring(org_id, moa.id, {"visited_on": start + timedelta(days=61), "sales": 1_910_000,
                                                "costs": 1_420_000, "savings": 250_000,
                                                "visit_note": "Started deliveries to a second eatery with her husband."},
                               checker)

    # Bea: plan submitted, waiting for review. Carmen: a draft. Dina: still in counselling.
    submitted = services.create_plan(org_id, bea.id, {
        "business_type": "Mini eatery (carinderia)", "location": "Home front, Quezon City", "amount_requested": 1_200_000,
        "projected_sales": 2_400_000, "projected_costs": 2_000_000,
        "lines": [{"item": "Two-burner stove and LPG tank", "amount": 450_000},
                  {"item": "Pots, utensils and table", "amount": 350_000},
                  {"item": "First week's ingredients", "amount": 400_000}]}, maker)
    services.submit_plan(org_id, submitted.id, maker)
    services.create_plan(org_id, carmen.id, {
        "business_type": "Bag making (subcontract)", "location": "Dagupan", "amount_requested": 800_000,
        "projected_sales": 900_000, "projected_costs": 600_000,
        "lines": [{"item": "Second-hand sewing machine", "amount": 800_000}]}, maker)

    # Elena: approved, her MOA drafted on the parish fund and ready to sign.
    approved = services.create_plan(org_id, elena.id, {
        "business_type": "Hog raising", "location": "Backyard, Bauang", "amount_requested": 1_000_000,
        "projected_sales": 0, "projected_costs": 150_000,
        "lines": [{"item": "Two piglets", "amount": 600_000}, {"item": "Pen materials and feed", "amount": 400_000}]},
        maker)
    services.submit_plan(org_id, approved.id, maker)
    services.review_plan(org_id, approved.id, {**REVIEW, "interviewed_on": day - timedelta(days=20),
                                               "visited_on": day - timedelta(days=18),
                                               "reason": "Raised hogs with her mother; pen site checked."}, checker)
    services.draft_moa(org_id, approved.id, fund_id=parish.id, centre_signatory="Centre director (demo)",
                       actor_id=maker,
                       tranches=[{"amount": 600_000, "planned_on": day + timedelta(days=5), "condition": "on_signing"},
                                 {"amount": 400_000, "planned_on": day + timedelta(days=20),
                                  "condition": "receipts"}])
    services.list_due_followups(org_id, day)


def _release(org_id: int, tranche_id: int, on, maker: int, checker: int) -> None:
    services.request_release(org_id, tranche_id, on=on, actor_id=maker)
    services.approve_release(org_id, tranche_id, actor_id=checker, idempotency_key=f"demo-grants-tranche-{tranche_id}")
