"""Financial reports over the ledger."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS
from ..manifest import COOPERATIVE, NGO, Manifest, NavItem
from . import api, views

# The CDA annual report: the four statements with last year's figures beside this year's, and its schedules.
CDA_STATEMENTS = (
    (_l("Statement of financial condition (this year and last)"), "reports.financial_condition"),
    (_l("Statement of operations (this year and last)"), "reports.year_operations"),
    (_l("Statement of changes in equity"), "reports.changes_in_equity"),
    (_l("Statement of cash flows"), "reports.cash_flows"),
    (_l("Schedule of share capital by class of member"), "reports.share_capital_schedule"),
    (_l("Schedule of the loan portfolio"), "reports.loan_portfolio_schedule"),
    (_l("Schedule of statutory funds"), "reports.statutory_funds_schedule"),
)

# The NGO's statements by class of net assets, for its donors and board; grant staff read them too.
NGO_STATEMENTS = (
    (_l("Statement of activities (by donor restriction)"), "reports.statement_of_activities"),
    (_l("Statement of financial position"), "reports.financial_position"),
)

manifest = Manifest(name="reports", blueprints=(views.bp, api.bp),
                    nav=(NavItem(_l("Reports"), "reports.index", READERS),
                         # grant staff open no reports page: their way to the statements their donors read
                         NavItem(_l("Financial statements"), "reports.statement_of_activities", ("grant_staff",), NGO)),
                    reports=tuple(NavItem(label, endpoint, READERS, COOPERATIVE) for label, endpoint in CDA_STATEMENTS)
                    + tuple(NavItem(label, endpoint, views.NGO_READERS, NGO) for label, endpoint in NGO_STATEMENTS))
