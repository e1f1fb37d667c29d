from flask import (Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
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

# Pages a user whose organization requires the second step may open before she has enrolled.
ENROL_ENDPOINTS = frozenset({"auth.two_step", "auth.two_step_qr", "auth.logout", "auth.logout_everywhere",
                             "auth.login", "auth.second_step", "static"})


def throttle_login() -> None:
    """Per address: at most THROTTLE_LOGIN failed logins (password or code) per window, else 429."""
    limit, window = current_app.config["THROTTLE_LOGIN"]
    services.throttle("login", request.remote_addr, limit=limit, window_seconds=window)


def login_succeeded() -> None:
    services.throttle_refund("login", request.remote_addr, window_seconds=current_app.config["THROTTLE_LOGIN"][1])


def sign_in(user) -> None:
    """Start a server-side session; the cookie carries only its random id (Flask-Login's user id slot)."""
    raw, row = services.start_session(user.id, ip=request.remote_addr, user_agent=request.user_agent.string)
    session.clear()  # nothing from before the login survives into the signed-in session
    login_user(user)
    session["_user_id"] = raw
    g.user_session_id = row.id


def sign_out() -> None:
    if g.get("user_session_id"):
        services.end_session(g.user_session_id)
    logout_user()
    session.clear()


def require_enrolment():
    """Where an organization requires the second step of her role, she enrols before any other page."""
    if (request.path.startswith("/api/") or request.endpoint in ENROL_ENDPOINTS or request.endpoint is None
            or not current_user.is_authenticated or current_user.totp_secret):
        return None
    if services.must_enrol_totp(current_user.id):
        flash(_l("Your organization requires a second login step for your role. Set it up to continue."), "warning")
        return redirect(url_for("auth.two_step"))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        data = load_form(LoginSchema())
        throttle_login()
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
        login_succeeded()
        sign_in(attempt.user)
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
        throttle_login()
        attempt = services.verify_second_step(user_id, request.form.get("code", ""),
                                              max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                                              lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        if attempt.user is None:
            g.keep_changes = True
            flash(attempt.refusal, "error")
            return render_template("auth/second_step.html"), 401
        login_succeeded()
        sign_in(attempt.user)
        return redirect(_local_target(), code=303)
    return render_template("auth/second_step.html")


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
def two_step():
    if request.method == "POST":
        if current_user.totp_secret:  # already on (a reload of the page that showed the codes)
            return redirect(url_for("auth.account"), code=303)
        codes = services.enable_totp(current_user.id, session.get("totp_pending", ""), request.form.get("code", ""),
                                     keep_session_id=g.get("user_session_id"))
        session.pop("totp_pending", None)
        return render_template("auth/recovery_codes.html", codes=codes)  # shown this once, never again
    if not current_user.totp_secret:
        session.setdefault("totp_pending", services.new_totp_secret())
    return render_template("auth/two_step.html", secret=session.get("totp_pending"),
                           codes_left=services.recovery_codes_left(current_user.id))


@bp.post("/account/two-step/off")
@login_required
def two_step_off():
    services.disable_totp(current_user.id, request.form.get("code", ""))
    flash(_l("The second login step is off."))
    return redirect(url_for("auth.account"), code=303)


@bp.post("/account/two-step/recovery-codes")
@login_required
def new_recovery_codes():
    """Ten new recovery codes (the old ones stop working), against a current authenticator code."""
    codes = services.renew_recovery_codes(current_user.id, request.form.get("code", ""),
                                          max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                                          lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    if codes is None:
        g.keep_changes = True  # the failed attempt stays counted
        flash(_l("That code is not right."), "error")
        return redirect(url_for("auth.two_step"), code=303)
    return render_template("auth/recovery_codes.html", codes=codes)


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
    sign_out()
    return redirect(url_for("auth.login"), code=303)


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    services.logout_everywhere(current_user.id)
    sign_out()
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    if request.method == "POST":
        data = load_form(PasswordChangeSchema())
        services.change_password(current_user.id, data["old_password"], data["password"],
                                 keep_session_id=g.get("user_session_id"))
        flash(_l("Password changed. Your other devices and your API tokens are logged out."))
        return redirect(url_for("auth.account"), code=303)
    return render_template("auth/account.html", orgs=services.organizations_of(current_user.id),
                           sessions=services.sessions_of(current_user.id), this_session=g.get("user_session_id"))


@bp.get("/account/tokens")
@login_required
def tokens():
    return render_template("auth/tokens.html", tokens=[(row, current_user) for row in services.tokens_of(current_user.id)],
                           revoke_endpoint="auth.revoke_token", org_wide=False)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    services.revoke_token(token_id, current_user.id)
    flash(_l("Token revoked."))
    return redirect(url_for("auth.tokens"), code=303)


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


@admin.get("/tokens")
@roles_required("admin")
def org_tokens():
    return render_template("auth/tokens.html", tokens=services.org_tokens(g.org.id),
                           revoke_endpoint="admin.revoke_token", org_wide=True)


@admin.post("/tokens/<int:token_id>/revoke", endpoint="revoke_token")
@roles_required("admin")
def revoke_org_token(token_id: int):
    services.revoke_token(token_id, current_user.id, org_id=g.org.id)
    flash(_l("Token revoked."))
    return redirect(url_for("admin.org_tokens"), code=303)


@admin.post("/users/<int:user_id>/two-step/reset")
@roles_required("admin")
def reset_two_step(user_id: int):
    user = services.reset_totp(g.org.id, user_id, current_user.id)
    flash(_l("The second login step of %(username)s is reset: she logs in with her password and sets it up again.",
             username=user.username))
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
