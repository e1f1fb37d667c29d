from flask import Blueprint, Response, abort, g, render_template
from flask_login import current_user

from ..auth.access import READERS, current_role, roles_required
from ..auth import services as auth
from ..auth.models import ROLES
from ..ledger import services as ledger
from ..manifest import parties_of
from . import pdf, services
from .words import in_her_words

bp = Blueprint("receipts", __name__, url_prefix="/o/<org>/receipts")


def _visible_receipt(receipt_id: int):
    """Staff see every receipt of the organization; anyone else only receipts made out to her own parties."""
    receipt = services.get(g.org.id, receipt_id)
    if current_role() not in READERS and receipt.party_id not in parties_of(g.org.id, current_user.id):
        abort(404)
    return receipt


@bp.get("/<int:receipt_id>")
@roles_required(*ROLES)
def show(receipt_id: int):
    receipt = _visible_receipt(receipt_id)
    return render_template("receipts/show.html", receipt=receipt, party=_party_label(receipt),
                           description=in_her_words(receipt.description))


@bp.get("/<int:receipt_id>.pdf")
@roles_required(*ROLES)
def pdf_file(receipt_id: int):
    receipt = _visible_receipt(receipt_id)
    issuer = auth.get_user(receipt.issued_by) if receipt.issued_by else None
    body = pdf.render(receipt, g.org.name, _party_label(receipt), issuer.display_name if issuer else None)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{receipt.display_number}.pdf"'})


def _party_label(receipt) -> str | None:
    return ledger.get_party(g.org.id, receipt.party_id).label if receipt.party_id else None
