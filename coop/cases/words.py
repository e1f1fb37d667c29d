"""The words pages show for the stored codes (statuses, kinds, reasons), in the reader's language."""
from flask_babel import lazy_gettext as _l

STATUS_WORDS = {"intake": _l("intake"), "recovery": _l("in recovery"), "ready": _l("ready for enterprise"),
                "closed": _l("closed"), "transferred": _l("transferred"), "open": _l("open")}
SESSION_WORDS = {"individual": _l("individual counselling"), "group": _l("group work"),
                 "home_visit": _l("home visit"), "phone": _l("phone follow-up"), "text": _l("text follow-up")}
HOUSEHOLD_WORDS = {"woman": _l("a woman"), "family": _l("a family")}
REFERRER_WORDS = {"self": _l("came on her own"), "family": _l("family or friend"),
                  "peer_counselor": _l("peer counselor"), "government": _l("government agency (DSWD, OWWA...)"),
                  "ngo": _l("another NGO"), "hotline": _l("hotline"), "other": _l("other")}
CLOSING_WORDS = {"reintegrated": _l("recovered and reintegrated"), "moved_away": _l("moved away"),
                 "withdrew": _l("she withdrew"), "lost_contact": _l("contact lost"),
                 "referred_elsewhere": _l("served by another agency"), "other": _l("other")}
FACILITATOR_WORDS = {"staff": _l("staff"), "peer": _l("peer counselor")}
AGENCY_KIND_WORDS = {"government": _l("government"), "hospital": _l("hospital"), "legal_aid": _l("legal aid"),
                     "psychiatric": _l("psychiatrist or psychologist"), "ngo": _l("NGO or partner"),
                     "training": _l("skills or livelihood training"), "other": _l("other")}
REFERRAL_STATUS_WORDS = {"open": _l("open"), "completed": _l("completed"), "declined": _l("declined"),
                         "cancelled": _l("cancelled")}


def scale_words(scale: str) -> str:
    if scale == "0-10":
        return str(_l("0 = no distress, 10 = the worst distress she can imagine"))
    return str(_l("1 = no or minimal distress, 2 = mild, 3 = moderate, 4 = severe, 5 = crisis"))
