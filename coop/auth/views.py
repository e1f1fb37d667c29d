from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from flask_login import current_user

from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..web.forms import load_form
from ..web.registry import NavItem, add_nav
from . import services
from .access import roles_required
from .models import ROLES
from .schemas import AuditFilterSchema, LoginSchema, NewUserSchema, PasswordChangeSchema

bp = Blueprint("auth", __name__)
admin = Blueprint("admin", __name__, url_prefix="/o/<org>/admin")


def add_navigation() -> None:
    add_nav(NavItem(_l("Users"), "admin.users", ("admin",)))
    add_nav(NavItem(_l("Audit log"), "admin.audit_log", ("admin", "auditor")))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        data = load_form(LoginSchema())
        attempt = services.authenticate(data["username"], data["password"],
                                        max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                                        lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        if attempt.user is None:
            g.keep_changes = True  # the failure count and its audit row are kept
            flash(attempt.refusal, "error")
            return render_template("auth/login.html"), 401
        login_user(attempt.user)
        target = request.args.get("next", "")
        # only local paths: an open redirect would help phishing
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("web.home")
        return redirect(target, code=303)
    return render_template("auth/login.html")


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"), code=303)


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    services.logout_everywhere(current_user.id)
    logout_user()
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    if request.method == "POST":
        data = load_form(PasswordChangeSchema())
        services.change_password(current_user.id, data["old_password"], data["password"])
        logout_user()
        flash(_l("Password changed. Log in with the new one."))
        return redirect(url_for("auth.login"), code=303)
    return render_template("auth/account.html", orgs=services.organizations_of(current_user.id))


@admin.get("/users")
@roles_required("admin")
def users():
    return render_template("auth/users.html", users=services.users_of(g.org.id), roles=ROLES)


@admin.post("/users")
@roles_required("admin")
def add_user():
    data = load_form(NewUserSchema())
    user, password = services.add_user_to_org(g.org.id, actor_id=current_user.id, **data)
    if password:
        flash(_l("Login %(username)s created. Initial password (shown once): %(password)s",
                 username=user.username, password=password), "warning")
    else:
        flash(_l("%(username)s is now %(role)s here.", username=user.username, role=data["role"]))
    return redirect(url_for("admin.users"), code=303)


@admin.post("/users/<int:user_id>/active")
@roles_required("admin")
def set_active(user_id: int):
    services.set_active(g.org.id, user_id, request.form.get("active") == "true", current_user.id)
    return redirect(url_for("admin.users"), code=303)


@admin.get("/audit")
@roles_required("admin", "auditor")
def audit_log():
    filters = AuditFilterSchema().load(request.args)
    return render_template("auth/audit.html", events=audit.events(g.org.id, **filters), filters=filters)
