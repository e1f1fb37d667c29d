"""/api/v1/orgs/<org>/interchange: a run's state (for scripts polling an import or a push)."""
from flask import Blueprint, g

from ..auth.access import STAFF, roles_required
from . import runner, services
from .schemas import RunOutSchema

bp = Blueprint("interchange_api", __name__, url_prefix="/api/v1/orgs/<org>/interchange")


@bp.get("/runs/<int:run_id>")
@roles_required(*STAFF)
def run(run_id: int):
    found = services.get_run(g.org.id, run_id)
    body = RunOutSchema().dump(found)
    body["done"] = runner.PROGRESS.get(found.id, found.done)
    return body
