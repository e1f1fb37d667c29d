"""The officers' outbox page, their own messages, gateway credentials, PINs, and the incoming-SMS webhook."""
from __future__ import annotations

import hmac

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.access import STAFF, roles_required
from ..extensions import csrf
from ..members import services as members
from ..orgs.services import get_setting
from ..timeutil import today
from ..web.forms import load_form
from . import services, sms
from .models import STATUSES
from .schemas import ComposeSchema, CredentialsSchema, DeskPinSchema, IncomingSchema, PinSchema
from .texts import segments

bp = Blueprint("messaging", __name__, url_prefix="/o/<org>/messages")
hooks = Blueprint("sms_hooks", __name__, url_prefix="/hooks/sms")
csrf.exempt(hooks)  # gateways post here: the secret token in the address is the credential

STATUS_LABELS = {"pending": _l("Waiting"), "sending": _l("Being sent"), "sent": _l("Sent"), "failed": _l("Failed"),
                 "unknown": _l("Unknown: the job stopped while sending"), "opted_out": _l("Not sent: opted out")}
PURPOSE_LABELS = {"reminder": _l("reminder"), "receipt": _l("receipt"), "reply": _l("answer to her text"),
                  "notice": _l("notice")}
CHANNEL_LABELS = {"sms": _l("text"), "email": _l("e-mail")}


@bp.get("/")
@roles_required(*STAFF, "auditor")
def index():
    status = request.args.get("status")
    if status not in STATUSES:
        status = None
    return render_template("messaging/index.html", rows=services.messages(g.org.id, 300, status=status),
                           counts=services.status_counts(g.org.id), status=status, labels=STATUS_LABELS,
                           purposes=PURPOSE_LABELS, channels=CHANNEL_LABELS, mask=services.mask)


@bp.post("/<int:message_id>/again")
@roles_required(*STAFF)
def send_again(message_id: int):
    services.send_again(g.org.id, message_id, current_user.id)
    flash(_l("The message will be sent again."))
    return redirect(url_for("messaging.index"), code=303)


@bp.get("/new")
@roles_required(*STAFF)
def compose():
    return render_template("messaging/compose.html", count=None, pick=_picked(request.args.get("member")))


def _picked(text: str | None):
    """Who the member box names, with her standing, shown before the officer sends or sets anything."""
    return members.pick(g.org.id, text, today())


@bp.post("/new")
@roles_required(*STAFF)
def compose_post():
    data = load_form(ComposeSchema())
    if data["action"] == "send":
        queued = sms.send_notice(g.org.id, to=data["to"], member=data.get("member"), body=data["body"],
                                 actor_id=current_user.id)
        flash(_l("%(n)s messages queued.", n=queued))
        return redirect(url_for("messaging.index"), code=303)
    g.form = {"data": {k: v for k, v in request.form.items() if k != "csrf_token"}, "errors": {}}
    return render_template("messaging/compose.html", count=segments(data["body"]),
                           pick=_picked(data.get("member") if data["to"] == "member" else None))


@bp.get("/gateway")
@roles_required("admin")
def gateway():
    return render_template("messaging/gateway.html", secrets=services.secret_status(g.org.id))


@bp.post("/gateway")
@roles_required("admin")
def gateway_post():
    data = load_form(CredentialsSchema())
    if data.get("clear"):
        services.set_secret(g.org.id, data["clear"], "", current_user.id)
    for name in services.SECRET_NAMES:
        if data.get(name):
            services.set_secret(g.org.id, name, data[name], current_user.id)
    flash(_l("Saved."))
    return redirect(url_for("messaging.gateway"), code=303)


@bp.get("/pin")
@roles_required(*STAFF)
def desk_pin():
    return render_template("messaging/pin.html", desk=True, pick=_picked(request.args.get("member")))


@bp.post("/pin")
@roles_required(*STAFF)
def desk_pin_post():
    data = load_form(DeskPinSchema())
    member = members.find_member(g.org.id, data["member"])
    sms.set_pin(g.org.id, member.id, data["pin"], current_user.id)
    flash(_l("The PIN of %(label)s is set.", label=member.label))
    return redirect(url_for("messaging.desk_pin"), code=303)


@bp.get("/my-pin")
@roles_required("member")
def my_pin():
    return render_template("messaging/pin.html", desk=False)


@bp.post("/my-pin")
@roles_required("member")
def my_pin_post():
    data = load_form(PinSchema())
    member = members.member_for_user(g.org.id, current_user.id)
    sms.set_pin(g.org.id, member.id, data["pin"], current_user.id)
    flash(_l("Your PIN is set. Text BAL and your PIN to get your balances."))
    return redirect(url_for("members.portal"), code=303)


def portal_section(org_id: int, member_id: int) -> dict:
    return {"has_sms_pin": sms.has_pin(org_id, member_id)}


# ---------------------------------------------------------------- incoming SMS


def _incoming_fields() -> dict:
    """Semaphore-like forms (from, text), Twilio (From, Body, MessageSid), the Android app's JSON webhook
    ({"payload": {"phoneNumber", "message", "messageId"}}) or plain JSON (from, text, id)."""
    data = request.get_json(silent=True) if request.is_json else None
    if isinstance(data, dict):
        inner = data.get("payload") if isinstance(data.get("payload"), dict) else data
    else:
        inner = request.form
    pick = lambda *names: next((str(inner[n]) for n in names if inner.get(n) not in (None, "")), None)  # noqa: E731
    fields = {"sender": pick("from", "From", "sender", "number", "phoneNumber"),
              "text": pick("text", "Body", "message", "body"),
              "ref": pick("id", "MessageSid", "messageId", "message_id")}
    return {k: v for k, v in fields.items() if v is not None}


@hooks.post("/<org>/<token>")
def incoming(token: str):
    expected = str(get_setting(g.org.id, "messaging.webhook_token") or "")
    if len(expected) < 16 or not hmac.compare_digest(token.encode(), expected.encode()):
        abort(404)
    data = IncomingSchema().load(_incoming_fields())
    sms.handle_incoming(g.org.id, data["sender"], data["text"], message_ref=data.get("ref"))
    return jsonify({"ok": True})  # the same answer whatever was asked: the reply goes by SMS
