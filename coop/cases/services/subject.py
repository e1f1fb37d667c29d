"""Her data on request (RA 10173): what coop/privacy exports for a case, found through the `DataSubject` plug-in."""
from __future__ import annotations

from ...errors import NotFound
from ...grants import services as grants
from ...manifest import SubjectRows
from .base import HIDDEN, case_for, is_admin

# The workers' private notes stay out of every export, hers too; the export names what it withheld.
WITHHELD = ("case_session.note", "case_assessment.note", "case_referral.reason", "case_referral.outcome",
            "case_followup.note", "grp_coaching.note")


def her_rows(org_id: int, case_id: int, actor_id: int | None) -> SubjectRows:
    """Only the admin exports a woman's data, sealed case or not."""
    if not is_admin(org_id, actor_id):
        raise NotFound(HIDDEN)
    case = case_for(org_id, case_id, actor_id)
    roots = {"case_file": frozenset({case.id})}
    targets = {"case": frozenset({case.id})}
    parties: frozenset[int] = frozenset()
    if case.beneficiary_id is not None:
        beneficiary = grants.get_beneficiary(org_id, case.beneficiary_id)
        roots["grant_beneficiary"] = frozenset({beneficiary.id})
        targets["beneficiary"] = frozenset({beneficiary.id})
        parties = frozenset({beneficiary.party_id}) if beneficiary.party_id else frozenset()
    return SubjectRows(label=case.label, roots=roots, party_ids=parties, audit_targets=targets, withheld=WITHHELD)
