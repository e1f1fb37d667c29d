"""Case work: what it plugs into the application."""
from flask_babel import lazy_gettext as _l

from ..manifest import NGO, CaseContacts, DailyJob, DashboardTiles, DataSubject, Manifest, NavItem, Setting
from . import api, services, views
from .demo import seed_demo
from .portal import case_tiles

INDICATOR_LABELS = {
    "reached": _l("Women and families reached (cases open in the period)"),
    "new": _l("New cases (intake in the period)"),
    "sessions": _l("Sessions held"),
    "sessions.individual": _l("… individual counselling"),
    "sessions.group": _l("… group work"),
    "sessions.home_visit": _l("… home visits"),
    "sessions.phone": _l("… phone follow-ups"),
    "sessions.text": _l("… text follow-ups"),
    "hours": _l("Hours of sessions"),
    "distress": _l("Women whose level of distress went down (of those assessed twice)"),
    "referrals": _l("Referrals made"),
    "completed": _l("Referrals completed"),
    "ready": _l("Women certified ready for enterprise"),
    "closed": _l("Cases closed"),
    "transferred": _l("Cases transferred"),
}

manifest = Manifest(
    name="cases",
    blueprints=(views.bp, api.bp),
    settings=(
        Setting(services.SCALE, "1-5", _l("Cases: level-of-distress scale (1-5 or 0-10)"), kind="choice",
                choices=("1-5", "0-10"), org_kinds=NGO),
        Setting(services.FOLLOWUP_DAYS, 7, _l("Cases: days from a referral to its first follow-up"), kind="number",
                org_kinds=NGO, maximum=365),
        Setting(services.TEXT_OVERDUE, False, _l("Cases: text case workers their overdue referral follow-ups"),
                org_kinds=NGO),
        Setting(services.SENDER, "Case desk", _l("Cases: name the overdue texts are signed with"), org_kinds=NGO),
    ),
    nav=(NavItem(_l("Cases"), "cases.index", views.CASE_STAFF, NGO),),
    reports=(NavItem(_l("Outcomes for donors (counts, no names)"), "cases.outcomes", views.OUTCOME_READERS, NGO),),
    dashboard=(DashboardTiles(views.CASE_STAFF, NGO, case_tiles),),
    daily_jobs=(DailyJob("cases.overdue_followups", services.list_overdue, NGO),),
    demo_seeder=seed_demo,
    readiness=(services.readiness_marks,),
    indicators=services.indicators(INDICATOR_LABELS),
    data_subjects=(DataSubject("case", services.her_rows),),
    case_contacts=(CaseContacts(services.workers_of_women, services.worker_phones),),
)
