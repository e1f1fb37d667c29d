"""The case verbs, one module per verb group; callers write `from coop.cases import services`.

- `base`: setting keys, errors, who may see a case (its assigned workers and the admin; sealed: the admin)
- `setup`: the NGO's categories, programs and its case workers' phones
- `cases`: intake, details, workers, status, distress assessments and readiness, her grant, sealing
- `sessions`: counselling, group work, home visits, phone and text follow-ups
- `referrals`: the agencies directory, referrals, follow-ups and the daily overdue list
- `outcomes`: the donor report's indicators (a plug-in any package may add to)
- `subject`: her data on request, for coop/privacy
"""
from __future__ import annotations

from .base import (FOLLOWUP_DAYS, SCALE, SENDER, TEXT_OVERDUE, case_for, is_admin, may_open,
                   may_see)
from .cases import (Linked, assessments_of, assign_worker, assignments, case_categories, enroll_in_grants,
                    link_beneficiary, linked_beneficiary, open_case, open_count, readiness_marks,
                    record_assessment, scale_of, seal, set_status, unassign_worker, unseal, update_case, view_case,
                    visible_cases)
from .outcomes import indicators, outcome_lines, scope_for
from .referrals import (Overdue, add_agency, agencies, agency_named, catalogue, catalogue_entry, close_referral,
                        workers_of_women, followups_of, get_agency, list_overdue,
                        overdue, overdue_count, plan_followup, record_followup, refer, referrals_of, update_agency)
from .sessions import record_session, sessions_of
from .setup import (add_category, add_program, categories, ensure_default_categories, funds, get_program, programs,
                    set_category_active, set_worker_phone, texted_staff, worker_phones, workers)
from .subject import her_rows

__all__ = [
    "FOLLOWUP_DAYS", "SCALE", "SENDER", "TEXT_OVERDUE", "Linked", "Overdue", "add_agency",
    "add_category", "add_program", "agencies", "assessments_of", "assign_worker", "assignments", "case_categories",
    "case_for", "categories", "close_referral", "enroll_in_grants", "ensure_default_categories", "followups_of",
    "funds", "get_agency", "get_program", "her_rows", "indicators", "is_admin", "link_beneficiary",
    "linked_beneficiary", "list_overdue", "may_open", "may_see", "open_case", "open_count", "outcome_lines",
    "overdue", "overdue_count", "plan_followup", "programs", "readiness_marks", "record_assessment",
    "record_followup", "record_session", "refer", "referrals_of", "scale_of", "scope_for", "seal",
    "set_category_active", "set_status", "set_worker_phone", "sessions_of", "unassign_worker", "unseal",
    "update_agency", "update_case", "texted_staff", "agency_named", "catalogue", "catalogue_entry", "workers_of_women", "view_case", "visible_cases", "worker_phones", "workers",
]
