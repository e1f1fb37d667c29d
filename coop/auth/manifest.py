"""Users, roles, sessions and API tokens: the login pages, the admin pages and the token API."""
from flask_babel import lazy_gettext as _l

from ..manifest import Manifest, NavItem
from . import api, views

manifest = Manifest(
    name="auth",
    blueprints=(views.bp, views.admin, api.bp),
    nav=(NavItem(_l("Users"), "admin.users", ("admin",)),
         NavItem(_l("Audit log"), "admin.audit_log", ("admin", "auditor")),
         NavItem(_l("Settings"), "admin.settings", ("admin",))),
)
