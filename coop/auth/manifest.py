"""Users, roles, sessions and API tokens: the login pages, the admin pages and the token API."""
from flask_babel import lazy_gettext as _l

from ..manifest import Manifest, NavItem, Setting
from . import api, views

# Per organization, because an organization's admin is who answers for her staff's logins. A user in
# several organizations gets the strictest value among them, fixed when she logs in (a session) or
# when the token is issued. The lockout and the per-address throttles are app config instead
# (config.py): they guard the login form, where no organization is known yet.
SETTINGS = (
    Setting("auth.idle_minutes", 30, _l("Minutes of inactivity before a login session ends"), kind="number"),
    Setting("auth.session_hours", 12, _l("Hours after login when a session ends, however active"), kind="number"),
    Setting("auth.token_days", 90, _l("Days an API token lasts when no expiry is asked for"), kind="number"),
    Setting("auth.token_max_days", 365, _l("Longest an API token may be asked to last, in days"), kind="number"),
    Setting("auth.require_totp_staff", False,
            _l("Staff (admins, officers, grant staff, case workers, peer counselors) must use an authenticator app to "
               "log in"), kind="bool"),
)

manifest = Manifest(
    name="auth",
    blueprints=(views.bp, views.admin, api.bp),
    settings=SETTINGS,
    setup=lambda app: app.before_request(views.require_enrolment),
    nav=(NavItem(_l("Users"), "admin.users", ("admin",)),
         NavItem(_l("Audit log"), "admin.audit_log", ("admin", "auditor")),
         NavItem(_l("API tokens"), "admin.org_tokens", ("admin",)),
         NavItem(_l("Settings"), "admin.settings", ("admin",))),
)
