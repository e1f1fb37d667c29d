from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from flask_login import current_user

from ..web.forms import load_form
from . import services
from .schemas import LoginSchema

bp = Blueprint("auth", __name__)


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
