from flask import Blueprint, current_app, g, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..auth.access import current_role, roles_required
from ..auth.models import ROLES
from ..auth.services import organizations_of
from ..manifest import plugins

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def home():
    orgs = organizations_of(current_user.id)
    if len(orgs) == 1:
        return redirect(url_for("web.dashboard", org=orgs[0][0].slug))
    return render_template("web/home.html", orgs=orgs)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for it at the root whatever the page says."""
    return current_app.send_static_file("favicon.ico")


@bp.get("/o/<org>/")
@roles_required(*ROLES)
def dashboard():
    role = current_role()
    if role == "member" and "members.portal" in current_app.view_functions:
        return redirect(url_for("members.portal"))
    tiles = [tile for block in plugins().dashboard
             if role in block.roles and g.org.kind in block.org_kinds for tile in block.build(g.org.id)]
    return render_template("web/dashboard.html", tiles=sorted(tiles, key=lambda tile: not tile.alert))
