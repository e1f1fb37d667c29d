from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import login_required, login_user, logout_user
from flask_login import current_user

from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..orgs import services as orgs
from ..web.forms import load_form, load_query
from . import services
from .access import roles_required
from .models import ROLES
from .schemas import AuditFilterSchema, LoginSchema, NewUserSchema, PasswordChangeSchema

bp = Blueprint("auth", __name__)
admin = Blueprint("admin", __name__, url_prefix="/o/<org>/admin")


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
        if attempt.needs_second_step:
            session["second_step_user"] = attempt.user.id
            return redirect(url_for("auth.second_step", next=request.args.get("next", "")), code=303)
        login_user(attempt.user)
        return redirect(_local_target(), code=303)
    return render_template("auth/login.html")


def _local_target() -> str:
    target = request.args.get("next", "")
    # only local paths: an open redirect would help phishing
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.home")
    return target


@bp.route("/login/code", methods=["GET", "POST"])
def second_step():
    user_id = session.get("second_step_user")
    if user_id is None:
        return redirect(url_for("auth.login"))
    if request.method == "POST":
        attempt = services.verify_second_step(user_id, request.form.get("code", ""),
                                              max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                                              lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        if attempt.user is None:
            g.keep_changes = True
            flash(attempt.refusal, "error")
            return render_template("auth/second_step.html"), 401
        session.pop("second_step_user")
        login_user(attempt.user)
        return redirect(_local_target(), code=303)
    return render_template("auth/second_step.html")


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
def two_step():
    if request.method == "POST":
        if current_user.totp_secret:
            services.disable_totp(current_user.id, request.form.get("code", ""))
            flash(_l("The second login step is off."))
        else:
            services.enable_totp(current_user.id, session.get("totp_pending", ""), request.form.get("code", ""))
            session.pop("totp_pending", None)
            login_user(current_user._get_current_object())  # new session version: keep this device signed in
            flash(_l("The second login step is on. You will be asked for a code at each login."))
        return redirect(url_for("auth.account"), code=303)
    if not current_user.totp_secret:
        session.setdefault("totp_pending", services.new_totp_secret())
    return render_template("auth/two_step.html", secret=session.get("totp_pending"))


@bp.get("/account/two-step/qr.svg")
@login_required
def two_step_qr():
    from reportlab.graphics import renderSVG
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    secret = session.get("totp_pending")
    if not secret or current_user.totp_secret:
        abort(404)
    widget = QrCodeWidget(services.totp_uri(current_user, secret), barWidth=220, barHeight=220)
    drawing = Drawing(220, 220)
    drawing.add(widget)
    return Response(renderSVG.drawToString(drawing), mimetype="image/svg+xml")


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


@admin.route("/settings", methods=["GET", "POST"])
@roles_required("admin")
def settings():
    if request.method == "POST":
        typed = {key: value for key, value in request.form.items() if key not in ("csrf_token",)}
        changed = orgs.update_settings(g.org.id, g.org.kind, typed, current_user.id)
        flash(_l("%(count)s settings saved.", count=changed))
        return redirect(url_for("admin.settings"), code=303)
    return render_template("auth/settings.html", settings=orgs.settings_of(g.org.id, g.org.kind))


@admin.get("/audit")
@roles_required("admin", "auditor")
def audit_log():
    filters = load_query(AuditFilterSchema())
    return render_template("auth/audit.html", events=audit.events(g.org.id, **filters), filters=filters)
