"""Demo case work for the NGO (invented names): the referral directory, programs, and four cases at different
steps, one of them Ana's, whose readiness the grants program now reads from her case."""
from __future__ import annotations

from datetime import timedelta

from ..grants import services as grants
from ..timeutil import today
from . import services

AGENCIES = (
    {"name": "DSWD Field Office (demo)", "kind": "government", "services": "Recovery and reintegration, RRPTP",
     "contact_person": "Social welfare officer"},
    {"name": "OWWA Regional Welfare Office (demo)", "kind": "government",
     "services": "Welfare assistance, reintegration loans for OFWs"},
    {"name": "Provincial hospital (demo)", "kind": "hospital", "services": "Medical check-up, women's desk"},
    {"name": "Free legal aid group (demo)", "kind": "legal_aid", "services": "Cases against illegal recruiters"},
    {"name": "Partner psychiatrist (demo)", "kind": "psychiatric", "services": "Assessment and therapy"},
)
PEER = "Peer counselor Rosa (demo)"


def seed_demo(_coop_id: int, org_id: int, users: dict) -> None:
    social, social2, admin = users["social"].id, users["social2"].id, users["ngo-admin"].id
    day = today()
    services.ensure_default_categories(org_id)
    category = {c.name: c.id for c in services.categories(org_id)}
    ilo = next(f for f in grants.list_funds(org_id) if f.donor_name.startswith("ILO"))
    reintegration = services.add_program(org_id, "Economic reintegration (ILO)", ilo.id, admin)
    counselling = services.add_program(org_id, "Counselling and referral", None, admin)
    dswd, owwa, hospital, legal, psychiatrist = (services.add_agency(org_id, a, admin) for a in AGENCIES)
    services.set_worker_phone(org_id, social, "09170000111", admin)

    # Ana (B-0001): counselled, certified ready on her case; her grant is under way.
    ana_b = grants.find_beneficiary(org_id, 1)
    ana = services.open_case(org_id, _woman("Ana Halimbawa", "San Fernando", "La Union", "peer_counselor", PEER,
                                            reintegration.id, day - timedelta(days=200),
                                            [category["Trafficking"], category["Illegal recruitment"]]), social)
    _sessions(org_id, ana.id, social, day - timedelta(days=195), 4)
    services.record_assessment(org_id, ana.id, {"assessed_on": day - timedelta(days=196), "level": 4,
                                                "note": "Sleeps badly; afraid of the recruiter."}, social)
    services.record_assessment(org_id, ana.id, {"assessed_on": day - timedelta(days=140), "level": 2,
                                                "certifies_ready": True,
                                                "note": "Group work done; plans with her family."}, social)
    services.link_beneficiary(org_id, ana.id, ana_b.number, social)

    # Dina (B-0004): in recovery on her case, referred for legal aid, a follow-up overdue.
    dina_b = grants.find_beneficiary(org_id, 4)
    dina = services.open_case(org_id, _woman("Dina Halimbawa", "Caloocan", "Metro Manila", "government",
                                             "DSWD Field Office", reintegration.id, day - timedelta(days=60),
                                             [category["Trafficking"], category["Violence"]]), social)
    services.assign_worker(org_id, dina.id, social2, day - timedelta(days=59), admin)
    _sessions(org_id, dina.id, social, day - timedelta(days=58), 3)
    services.record_assessment(org_id, dina.id, {"assessed_on": day - timedelta(days=58), "level": 5}, social)
    services.record_assessment(org_id, dina.id, {"assessed_on": day - timedelta(days=20), "level": 3}, social)
    services.link_beneficiary(org_id, dina.id, dina_b.number, social)
    services.refer(org_id, dina.id, {"agency_id": legal.id, "referred_on": day - timedelta(days=30),
                                     "reason": "Complaint against the recruitment agency.",
                                     "expected_response": "Lawyer's interview", "expected_by": day - timedelta(days=16),
                                     "followup_on": day - timedelta(days=9)}, social)
    medical = services.refer(org_id, dina.id, {"agency_id": hospital.id, "referred_on": day - timedelta(days=45),
                                               "reason": "Check-up after return.",
                                               "expected_response": "Consultation"}, social2)
    services.close_referral(org_id, medical.id, status="completed", outcome_on=day - timedelta(days=38),
                            outcome="Seen; no follow-up needed.", actor_id=social2)

    # Fe: certified ready, not yet in the grants program (the case page offers it).
    fe = services.open_case(org_id, _woman("Fe Halimbawa", "Bauang", "La Union", "self", None, reintegration.id,
                                           day - timedelta(days=120), [category["Abandonment"]]), social)
    _sessions(org_id, fe.id, social, day - timedelta(days=118), 4)
    services.record_assessment(org_id, fe.id, {"assessed_on": day - timedelta(days=117), "level": 3}, social)
    services.refer(org_id, fe.id, {"agency_id": owwa.id, "referred_on": day - timedelta(days=100),
                                   "reason": "Welfare assistance as a returned OFW.",
                                   "expected_response": "Cash assistance decision"}, social)
    services.record_assessment(org_id, fe.id, {"assessed_on": day - timedelta(days=10), "level": 1,
                                               "certifies_ready": True}, social)

    # A family at intake, with the second worker; and a closed case.
    family = services.open_case(org_id, {**_woman("Gina Halimbawa and children", "Quezon City", "Metro Manila",
                                                  "hotline", "1343 Action Line", counselling.id, day - timedelta(days=5),
                                                  [category["Medical"]]), "household": "family"}, social2)
    services.refer(org_id, family.id, {"agency_id": psychiatrist.id, "referred_on": day - timedelta(days=4),
                                       "reason": "Assessment for the eldest child.", "followup_on": day + timedelta(days=3)},
                   social2)
    closed = services.open_case(org_id, _woman("Hilda Halimbawa", "Dagupan", "Pangasinan", "ngo", "Partner NGO",
                                               counselling.id, day - timedelta(days=300), [category["Legal"]]), social2)
    _sessions(org_id, closed.id, social2, day - timedelta(days=290), 2)
    services.set_status(org_id, closed.id, status="transferred", on=day - timedelta(days=200),
                        reason="referred_elsewhere", agency_id=dswd.id, actor_id=social2)
    services.list_overdue(org_id, day)


def _woman(name, town, province, referrer_kind, referred_by, program_id, opened_on, category_ids) -> dict:
    return {"client_name": name, "town": town, "province": province, "referrer_kind": referrer_kind,
            "referred_by": referred_by, "program_id": program_id, "opened_on": opened_on,
            "category_ids": category_ids}


def _sessions(org_id: int, case_id: int, worker: int, start, count: int) -> None:
    """Batis's four group-work sessions after a first individual one, a week apart, the peer counselor facilitating."""
    services.record_session(org_id, case_id, {"kind": "individual", "held_on": start, "facilitator_kind": "staff",
                                              "module": "Intake interview", "minutes": 60,
                                              "note": "Told her story for the first time."}, worker)
    for week in range(1, count):
        services.record_session(org_id, case_id, {"kind": "group", "held_on": start + timedelta(days=7 * week),
                                                  "facilitator_kind": "peer", "peer_counselor": PEER,
                                                  "module": f"Group work {week}: sharing, self-awareness, life planning",
                                                  "minutes": 120}, worker)
    services.record_session(org_id, case_id, {"kind": "text", "held_on": start + timedelta(days=7 * count),
                                              "facilitator_kind": "peer", "peer_counselor": PEER, "minutes": 10},
                            worker)
