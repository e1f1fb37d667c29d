"""An officer's page for one member's data: export it all, record and close correction requests."""
from __future__ import annotations

import json

from flask import Blueprint, Response, flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.access import STAFF, roles_required
from ..members import services as members
from ..web.forms import load_form
from . import services
from .schemas import CorrectionCloseSchema, CorrectionInSchema

bp = Blueprint("privacy", __name__, url_prefix="/o/<org>")


@bp.get("/members/<int:member_id>/privacy")
@roles_required(*STAFF)
def member_page(member_id: int):
    member = members.view_member(g.org.id, member_id, current_user.id)
    return render_template("privacy/member.html", member=member,
                           corrections=services.corrections(g.org.id, member.id))


@bp.get("/members/<int:member_id>/export.json")
@roles_required(*STAFF)
def export(member_id: int):
    data = services.member_data(g.org.id, member_id, current_user.id)
    return Response(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True), mimetype="application/json",
                    headers={"Content-Disposition":
                             f'attachment; filename="{g.org.slug}-{data["member_label"]}-data.json"'})


@bp.get("/privacy/<kind>/<int:subject_id>/export.json")
@roles_required("admin")
def subject_export(kind: str, subject_id: int):
    """Her data on request, for a person another package declares (a case's woman): the admin only."""
    data = services.subject_data(g.org.id, kind, subject_id, current_user.id)
    return Response(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True), mimetype="application/json",
                    headers={"Content-Disposition":
                             f'attachment; filename="{g.org.slug}-{data["label"]}-data.json"'})


@bp.post("/members/<int:member_id>/corrections")
@roles_required(*STAFF)
def record_correction(member_id: int):
    data = load_form(CorrectionInSchema())
    services.record_correction(g.org.id, member_id, request=data["request"], actor_id=current_user.id)
    flash(_l("Correction request recorded."))
    return redirect(url_for("privacy.member_page", member_id=member_id), code=303)


@bp.post("/corrections/<int:request_id>/close")
@roles_required(*STAFF)
def close_correction(request_id: int):
    data = load_form(CorrectionCloseSchema())
    found = services.close_correction(g.org.id, request_id, status=data["status"], outcome=data["outcome"],
                                      actor_id=current_user.id)
    flash(_l("Correction request closed."))
    return redirect(url_for("privacy.member_page", member_id=found.member_id), code=303)
