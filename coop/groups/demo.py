"""Demo group work for the NGO (invented names): a center-based cluster in its group work with a peer counselor,
a community cluster running a laundry shop on a capital loan, a children-of-migrants group, the 9-day
entrepreneurship course, coaching for a woman who could not attend, and the partners' catalogue."""
from __future__ import annotations

from datetime import timedelta

from ..grants import services as grants
from ..timeutil import today
from . import services

FIRST_NAMES = ("Fe", "Gina", "Hilda", "Ines", "Joy", "Karen", "Lorna", "Mila", "Nena", "Olga", "Pilar", "Rosa",
               "Sally", "Tess", "Ursula", "Vilma", "Wena", "Yolly", "Zeny", "Alma", "Belen", "Cora", "Digna")
CATALOGUE = (
    ("training", "Dressmaking NC II (demo)", "TESDA provincial training center", "Six weeks, with a starter kit.",
     "San Fernando, La Union", "tesda-lu@example.org"),
    ("livelihood", "Sustainable Livelihood Program seed capital (demo)", "DSWD field office",
     "Seed capital assistance for a micro-enterprise; referral by the social worker.", "Quezon City", None),
    ("livelihood", "Balik-Pinay! Balik-Hanapbuhay! (demo)", "OWWA regional welfare office",
     "Livelihood training and starter kits for returning women migrants.", "Quezon City", None),
    ("training", "Food processing and packaging (demo)", "Provincial agriculture office",
     "Three days: longganisa, tocino, bottled sardines.", "Bauang, La Union", None),
    ("service", "Free legal aid (demo)", "Public Attorney's Office", "Cases against recruiters and traffickers.",
     "Quezon City", "0917 000 0000"),
    ("service", "Psychiatric consultation (demo)", "Partner hospital", "For women whose distress persists.",
     "Manila", None),
)
WEEKS = (0, 1, 2, 3, 5, 6, 7, 8, 10)  # the course's nine weekend days (Saturday or Sunday) over ten weeks
MODULE_DAYS = {"orientation": 90, "life_planning": 76, "follow_up": 55}


def seed_demo(_coop_id: int, org_id: int, users: dict) -> None:
    maker, checker, peer = users["grants"].id, users["grants2"].id, users["peer"].id
    day = today()
    women = [grants.add_beneficiary(org_id, {"name": f"{name} Halimbawa", "town": town, "province": province},
                                    maker)
             for n, name in enumerate(FIRST_NAMES)
             for town, province in ((("Quezon City", "Metro Manila") if n < 13 else ("Bauang", "La Union")),)]
    for offering in CATALOGUE:
        services.add_offering(org_id, dict(zip(("kind", "title", "partner", "description", "place", "contact"),
                                               offering)), maker)

    center = services.add_cluster(org_id, {"name": "Center cluster (demo)", "kind": "center", "place": "Batis Center",
                                           "formed_on": day - timedelta(days=100), "social_worker_id": checker}, maker)
    counselor = services.add_member(org_id, center.id, {"beneficiary_id": women[0].id, "role": "peer_counselor",
                                                        "user_id": peer, "joined_on": center.formed_on}, maker)
    members = [services.add_member(org_id, center.id, {"beneficiary_id": w.id, "joined_on": center.formed_on,
                                                       "role": "coordinator" if n == 0 else "member"}, maker)
               for n, w in enumerate(women[1:13])]
    for module, days_ago in MODULE_DAYS.items():
        present = [m.id for n, m in enumerate(members) if (n + days_ago) % 6]
        services.record_session(org_id, center.id, {"module": module, "held_on": day - timedelta(days=days_ago),
                                                    "place": "Batis Center", "facilitator_id": counselor.id,
                                                    "present": present}, maker)

    community = services.add_cluster(org_id, {"name": "Bauang community cluster (demo)", "kind": "community",
                                              "place": "Barangay hall, Bauang", "formed_on": day - timedelta(days=140),
                                              "social_worker_id": checker}, maker)
    for n, w in enumerate(women[13:]):
        services.add_member(org_id, community.id, {"beneficiary_id": w.id, "joined_on": community.formed_on,
                                                   "role": "coordinator" if n == 0 else "member"}, maker)
    services.record_session(org_id, community.id, {"module": "orientation", "held_on": day - timedelta(days=130),
                                                   "present": [m.id for m in services.members_of(community.id)]},
                            maker)
    _laundry_shop(org_id, community, women[13], maker, checker)

    children = services.add_cluster(org_id, {"name": "Children of migrants (demo)", "kind": "children",
                                             "place": "Parish hall, Quezon City",
                                             "formed_on": day - timedelta(days=60), "social_worker_id": checker},
                                    maker)
    kids = [services.add_member(org_id, children.id, {"alias": alias, "joined_on": children.formed_on}, maker)
            for alias in ("Migo", "Lia", "Paolo", "Bea")]
    services.record_session(org_id, children.id, {"module": "orientation", "held_on": day - timedelta(days=50),
                                                  "present": [k.id for k in kids]}, maker)
    _course(org_id, women, maker, checker)


def _laundry_shop(org_id: int, cluster, signer, maker: int, checker: int) -> None:
    """The cluster's laundry shop on a capital loan under an MOA signed by its coordinator, half repaid."""
    day = today()
    fund = next(f for f in grants.list_funds(org_id) if f.donor_name.startswith("ILO"))
    grants.certify_ready(org_id, signer.id, on=day - timedelta(days=125), actor_id=checker,
                         note="Group work completed; the cluster chose her to sign for the laundry shop.")
    plan = grants.create_plan(org_id, signer.id, {
        "kind": "loan", "business_type": "Laundry shop (the cluster's enterprise)", "location": "Bauang, La Union",
        "summary": "Washing, drying and ironing for boarding houses near the school; members take shifts.",
        "amount_requested": 1_500_000, "projected_sales": 2_000_000, "projected_costs": 1_400_000,
        "lines": [{"item": "Two washing machines", "amount": 1_100_000},
                  {"item": "Dryer rack, irons and detergent", "amount": 400_000}]}, maker)
    grants.submit_plan(org_id, plan.id, maker)
    grants.review_plan(org_id, plan.id, {"interviewed_on": day - timedelta(days=118), "visited_on": day - timedelta(
        days=116), "interview_note": "The cluster agreed the shifts and who keeps the books.",
        "visit_note": "Space rented beside the boarding houses.", "feasibility_note": "Steady demand from students.",
        "decision": "approved", "reason": "A group with a clear plan and customers next door."}, checker)
    moa = grants.draft_moa(org_id, plan.id, fund_id=fund.id, centre_signatory="Centre director (demo)",
                           actor_id=maker, tranches=[{"amount": 1_500_000, "planned_on": day - timedelta(days=110),
                                                      "condition": "on_signing"}])
    enterprise = services.add_enterprise(org_id, cluster.id, {"name": "Laundry shop (demo)",
                                                              "started_on": day - timedelta(days=112)}, maker)
    services.link_moa(org_id, enterprise.id, moa.id, maker)
    grants.sign_moa(org_id, moa.id, on=day - timedelta(days=112), actor_id=maker)
    tranche = grants.tranches_of(moa.id)[0]
    grants.request_release(org_id, tranche.id, on=day - timedelta(days=110), actor_id=maker)
    grants.approve_release(org_id, tranche.id, actor_id=checker, idempotency_key=f"demo-groups-tranche-{tranche.id}")
    loan = services.list_loans(org_id)[-1]
    for n, installment in enumerate(services.installments_of(loan.id)):
        if installment.due_on > day - timedelta(days=20):
            break
        services.repay(org_id, loan.id, amount=installment.amount, on=installment.due_on, cash_account="cash_in_bank",
                       actor_id=maker, received_from="Laundry shop cluster",
                       idempotency_key=f"demo-groups-repay-{loan.id}-{n}")


def _course(org_id: int, women, maker: int, checker: int) -> None:
    """The 9-day entrepreneurship course over 2.5 months, on weekends, in Quezon City and La Union."""
    day = today()
    start = day - timedelta(days=(day.weekday() - 5) % 7 + 77)  # a Saturday about eleven weeks ago
    course = services.add_program(org_id, {"title": "Entrepreneurship course (9 days, demo)",
                                           "provider": "Batis Center with a partner trainer",
                                           "venues": "Quezon City; San Fernando, La Union", "starts_on": start,
                                           "ends_on": start + timedelta(days=71), "days": 9, "days_to_complete": 8},
                                  maker)
    topics = ("Leaving the past behind", "My vision for the future", "Self-confidence", "What is an enterprise",
              "Market research", "Business planning", "Pricing and competition", "Managing the business",
              "Financial records")
    enrolled = [services.enroll(org_id, course.id, {"beneficiary_id": w.id, "enrolled_on": start - timedelta(days=7)},
                                maker) for w in women[1:7]]
    for n, topic in enumerate(topics):
        held = services.add_day(org_id, course.id, {"held_on": start + timedelta(days=WEEKS[n] * 7 + n % 2),
                                                    "venue": "Quezon City" if n % 2 == 0 else "San Fernando, La Union",
                                                    "topic": topic}, maker)
        services.record_attendance(org_id, course.id, held.id,
                                   [e.id for k, e in enumerate(enrolled) if not (k == 5 and n > 2)], maker)
    for enrollment in enrolled[:4]:
        services.complete(org_id, enrollment.id, start + timedelta(days=71), maker)
    for n, topic in enumerate(("Her business idea, at home", "Costing her products", "Keeping a sales notebook")):
        services.add_coaching(org_id, {"beneficiary_id": women[6].id, "held_on": start + timedelta(days=20 + n * 14),
                                       "coach_id": checker, "topic": topic, "minutes": 60,
                                       "note": "Could not travel to the weekend classes (demo)."}, checker)
