"""Messaging: the outbox, its gateways, texts from members, receipts by text."""
from flask_babel import lazy_gettext as _l

from ..auth.access import STAFF
from ..manifest import Manifest, NavItem, PortalSection, Setting
from . import models  # noqa: F401  (its tables in the metadata)
from . import views
from .gateways import PRESETS

manifest = Manifest(
    name="messaging",
    blueprints=(views.bp, views.hooks),
    settings=(
        Setting("messaging.sms_gateway", "log", _l("Messages: SMS gateway (log: nothing leaves)"), "choice",
                choices=("log",) + tuple(PRESETS)),
        Setting("messaging.sms_url", "default", _l("Messages: SMS gateway address (default: the preset's; "
                                                   "for a phone, http://its-address:8080/message)"), "text"),
        Setting("messaging.sms_account", "none", _l("Messages: SMS gateway account (Twilio account SID, the "
                                                    "phone app's username)"), "text"),
        Setting("messaging.sms_sender", "default", _l("Messages: SMS sender (Semaphore sender name, Twilio number)"),
                "text"),
        Setting("messaging.email_gateway", "log", _l("Messages: e-mail gateway (log: nothing leaves)"), "choice",
                choices=("log", "smtp")),
        Setting("messaging.smtp_host", "localhost", _l("Messages: SMTP server"), "text"),
        Setting("messaging.smtp_port", 587, _l("Messages: SMTP port"), "number"),
        Setting("messaging.smtp_starttls", True, _l("Messages: SMTP with STARTTLS"), "bool"),
        Setting("messaging.smtp_username", "none", _l("Messages: SMTP login name"), "text"),
        Setting("messaging.smtp_from", "coop@localhost", _l("Messages: e-mail sender address"), "text"),
        Setting("messaging.timeout_seconds", 10, _l("Messages: seconds to wait for a gateway"), "number"),
        Setting("messaging.daily_cap", 500, _l("Messages: most messages sent in one day"), "number"),
        Setting("messaging.batch_size", 20, _l("Messages: messages claimed and sent per batch"), "number"),
        Setting("messaging.max_attempts", 5, _l("Messages: attempts before a message counts as failed"), "number"),
        Setting("messaging.stale_minutes", 15, _l("Messages: minutes after which a message still being sent is "
                                                  "marked unknown"), "number"),
        Setting("messaging.language", "en", _l("Messages: language of texts when hers is not known"), "choice",
                choices=("en", "fil")),
        Setting("messaging.signature", "default", _l("Messages: name texts are signed with (default: the "
                                                     "organization's name)"), "text"),
        Setting("messaging.receipts_by_text", False, _l("Messages: text members a confirmation of each payment"),
                "bool"),
        Setting("messaging.webhook_token", "none", _l("Messages: secret in the incoming-SMS address (at least 16 "
                                                      "characters; none: off)"), "text"),
        Setting("messaging.pin_max_failures", 5, _l("Messages: wrong PINs before balance inquiries lock"), "number"),
        Setting("messaging.pin_lock_minutes", 60, _l("Messages: minutes balance inquiries stay locked"), "number"),
    ),
    nav=(NavItem(_l("Messages"), "messaging.index", STAFF + ("auditor",)),),
    portal=(PortalSection("messaging/_portal_pin.html", views.portal_section, order=90),),
)
