from flask import g
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..auth.access import STAFF, roles_required
from ..members import services as members
from ..web.forms import load_json
from . import services
from .schemas import (CorrectionCloseSchema, CorrectionInSchema, CorrectionOutSchema, MemberExportSchema,
                      SubjectExportSchema)

bp = blueprint("privacy", __name__, "/orgs/<org>")


@bp.get("/members/<int:member_id>/export")
@roles_required(*STAFF)
@documented("Everything held about one member, table by table (Data Privacy Act); audited",
            returns=MemberExportSchema)
def export(member_id: int):
    return respond(MemberExportSchema(), services.member_data(g.org.id, member_id, current_user.id))


@bp.get("/privacy/<kind>/<int:subject_id>/export")
@roles_required("admin")
@documented("Everything held about a person another package declares (kind `case`: a case's woman), table by "
            "table, workers' private notes withheld; the admin only, audited", returns=SubjectExportSchema)
def subject_export(kind: str, subject_id: int):
    return respond(SubjectExportSchema(), services.subject_data(g.org.id, kind, subject_id, current_user.id))


@bp.get("/members/<int:member_id>/corrections")
@roles_required(*STAFF)
@documented("The member's correction requests", returns=CorrectionOutSchema, many=True)
def corrections(member_id: int):
    members.get_member(g.org.id, member_id)
    return respond(CorrectionOutSchema(), services.corrections(g.org.id, member_id), many=True)


@bp.post("/members/<int:member_id>/corrections")
@roles_required(*STAFF)
@documented("Record a member's request to correct her data", body=CorrectionInSchema, returns=CorrectionOutSchema,
            status=201)
def record_correction(member_id: int):
    data = load_json(CorrectionInSchema())
    return respond(CorrectionOutSchema(), services.record_correction(g.org.id, member_id, request=data["request"],
                                                                     actor_id=current_user.id), 201)


@bp.post("/corrections/<int:request_id>/close")
@roles_required(*STAFF)
@documented("Close a correction request as corrected or refused", body=CorrectionCloseSchema,
            returns=CorrectionOutSchema)
def close_correction(request_id: int):
    data = load_json(CorrectionCloseSchema())
    return respond(CorrectionOutSchema(), services.close_correction(
        g.org.id, request_id, status=data["status"], outcome=data["outcome"], actor_id=current_user.id))
