"""Domain errors and their one mapping to HTML and to RFC 9457 problem details.

Every domain raises a subclass of CoopError; views never catch them. The handlers here roll the
transaction back (the boundary commits only on success), then answer JSON for /api/ and, for a
form post, bring the officer back to the form with her input and the message.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from babel.dates import format_date as babel_format_date
from flask import Flask, flash, g, has_request_context, jsonify, redirect, render_template, request, session
from flask_babel import get_locale, gettext
from sqlalchemy import inspect
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from marshmallow import ValidationError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from .audit import services as audit
from .extensions import db
from .money import format_money


class Pesos(int):
    """An amount (centavos) inside a message: shown by Babel ("₱2,000.50") like every amount on a page."""


class Month(date):
    """A month inside a message ("May 2026"), named in the reader's language."""

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month, 1)


class Words(str):
    """Interface text inside a message ("A payment"), extracted like the message: shown in the reader's language."""


class Status(str):
    """A record's state inside a message ("written_off"): shown in the reader's language."""


def _shown(value, translate: bool) -> str | int | float:
    if isinstance(value, Sentence):
        return value.said(translate)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(_shown(item, translate)) for item in value)
    locale = "fil_PH" if translate and has_request_context() and str(get_locale()) == "fil" else "en_PH"
    if isinstance(value, Pesos):
        return format_money(int(value), locale)
    if isinstance(value, Month):
        return babel_format_date(value, "MMMM y", locale=locale)
    if isinstance(value, date) and not isinstance(value, datetime):
        return babel_format_date(value, "medium", locale=locale)
    if isinstance(value, Words):
        return gettext(value) if translate else str(value)
    if isinstance(value, Status):
        label = value.replace("_", " ")
        return gettext(label) if translate else label
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value  # as it is: a template may format it itself ("P-%(id)05d")
    return str(value)


def fill(template: str, values: dict, *, translate: bool) -> str:
    """A message's template with its values, in English (the API) or the reader's language (pages).

    A translation that does not fit its values (a typo in a placeholder) falls back to the English."""
    if not values:
        return gettext(template) if translate and template else template
    shown = {name: _shown(value, translate) for name, value in values.items()}
    if translate:
        try:
            return gettext(template) % shown
        except (KeyError, ValueError, TypeError):
            pass
    return template % shown


class Sentence:
    """A message not said yet: constant English text (extracted into the catalogue, `Sentence` is an extraction
    keyword) and its typed values, said in the reader's language where it is shown. A domain's check returns one
    instead of a formatted string (a good-standing reason, a release blocker), a refusal carries one, and a stored
    message (a flash, an import's problem) keeps `as_data()` and is said again with `from_data()` when read.

    `str()` says it in the language of the request it is read in (English outside a request), as lazy_gettext does.
    """

    __slots__ = ("template", "values")

    def __init__(self, template: str, **values):
        self.template = template
        self.values = values

    def said(self, translate: bool = True) -> str:
        return fill(self.template, self.values, translate=translate and has_request_context())

    @property
    def english(self) -> str:
        return self.said(False)

    def __str__(self) -> str:
        return self.said(has_request_context())

    def __html__(self) -> str:  # Jinja escapes what str() gives
        from markupsafe import escape
        return str(escape(str(self)))

    def __repr__(self) -> str:
        return f"Sentence({self.template!r}, **{self.values!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, Sentence):
            return (self.template, self.values) == (other.template, other.values)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.template)

    @classmethod
    def joined(cls, parts) -> "Sentence":
        """Several messages said as one ("Fill this in.; Enter a date."), each in the reader's language, once each."""
        parts = list(dict.fromkeys(parts))
        return parts[0] if len(parts) == 1 else cls(_JOINED, parts=parts)

    def as_data(self) -> dict:
        """Plain JSON (a session's flash, a run's stored problems): the template and each value with its kind."""
        return {"template": self.template, "values": {name: _value_data(v) for name, v in self.values.items()}}

    @classmethod
    def from_data(cls, data) -> "Sentence | str":
        """What `as_data()` kept, as a Sentence again (plain text stays text)."""
        if not isinstance(data, dict) or "template" not in data:
            return data if isinstance(data, str) else str(data)
        return cls(data["template"], **{name: _value_from(v) for name, v in (data.get("values") or {}).items()})


_JOINED = "%(parts)s"  # the parts say themselves, joined by "; " (`_shown` of a list); no text of its own to translate

_KINDS = {"pesos": Pesos, "words": Words, "status": Status}


def _value_data(value):
    if isinstance(value, Sentence):
        return {"sentence": value.as_data()}
    if isinstance(value, (list, tuple)):
        return {"list": [_value_data(item) for item in value]}
    if isinstance(value, Month):
        return {"month": value.isoformat()}
    if isinstance(value, date) and not isinstance(value, datetime):
        return {"date": value.isoformat()}
    for kind, cls in _KINDS.items():
        if isinstance(value, cls):
            return {kind: int(value) if cls is Pesos else str(value)}
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else str(value)


def _value_from(data):
    if not isinstance(data, dict):
        return data
    (kind, value), = data.items()
    if kind == "sentence":
        return Sentence.from_data(value)
    if kind == "list":
        return [_value_from(item) for item in value]
    if kind == "month":
        return Month.of(date.fromisoformat(value))
    if kind == "date":
        return date.fromisoformat(value)
    return _KINDS[kind](value)


def keep(message) -> dict | str:
    """A message to store until someone reads it (a flash in the session, a run's problem in a JSON column): a
    Sentence, a refusal or a lazy gettext string as its English template and values; any other text as it is."""
    if isinstance(message, CoopError):
        message = message.sentence
    if isinstance(message, Sentence):
        return message.as_data()
    if isinstance(message, LazyString) and len(message._args) == 1:  # _l("Saved %(name)s.", name=...)
        return Sentence(message._args[0], **message._kwargs).as_data()
    if isinstance(message, Words):
        return Sentence(str(message)).as_data()
    return str(message)


def said(stored) -> str:
    """What `keep` stored, in the language of whoever reads it now."""
    found = Sentence.from_data(stored)
    if isinstance(found, Sentence):
        return found.said(True)
    return gettext(found) if found and has_request_context() else found  # stored English the catalogue knows


class CoopError(Exception):
    """A domain's refusal. The message is constant English text, extracted into the catalogue; what varies
    goes into `values` (`%(name)s` in the text): amounts as `Pesos`, states as `Status`, dates as dates, so
    the same raise reads in the reader's language with Babel's pesos and dates."""

    status = 400
    title = "Request refused"

    def __init__(self, message: "str | Sentence", field: str | None = None, *, values: dict | None = None, **extra):
        if isinstance(message, Sentence):  # a check's finding, raised as it is
            message, values = message.template, {**message.values, **(values or {})}
        self.template = message
        self.values = dict(values or {})
        self.message = fill(message, self.values, translate=False)
        super().__init__(self.message)
        self.field = field
        self.extra = extra

    @property
    def sentence(self) -> Sentence:
        """The refusal not said yet (to be kept and said later, in the language of whoever reads it)."""
        return Sentence(self.template, **self.values)


class NotFound(CoopError):
    status = 404
    title = "Not found"


class Forbidden(CoopError):
    status = 403
    title = "Not allowed"


class Conflict(CoopError):
    status = 409
    title = "Conflict"


class Invalid(CoopError):
    """Input that parses but breaks a rule (over the cap, overpayment, closed period...)."""

    status = 422
    title = "Invalid input"


# Error pages in the reader's language (the API keeps HTTP's English titles).
_PAGES = {
    400: (_l("Bad request"), _l("The form could not be read. Go back, reload the page and try again.")),
    403: (_l("Not allowed"), _l("Your role in this organization does not allow this.")),
    404: (_l("Not found"), _l("There is nothing here, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    429: (_l("Too many requests"), _l("Wait a moment, then try again.")),
}


# marshmallow's own messages, so a form in Filipino says them in Filipino too.
_MARSHMALLOW = {
    "Missing data for required field.": _l("Fill this in."),
    "Field may not be null.": _l("Fill this in."),
    "Not a valid integer.": _l("Enter a whole number."),
    "Not a valid number.": _l("Enter a number."),
    "Not a valid date.": _l("Enter a date."),
    "Not a valid datetime.": _l("Enter a date and time."),
    "Not a valid boolean.": _l("Choose yes or no."),
    "Not a valid string.": _l("Enter text."),
    "Unknown field.": _l("This field is not expected here."),
    "Invalid value.": _l("This value is not accepted."),
}

# marshmallow's length messages carry their numbers ("Length must be between 3 and 300."): matched by pattern,
# said again with the numbers in the reader's language.
_LENGTHS = (
    (re.compile(r"Shorter than minimum length (?P<min>\d+)\.$"), _l("Write at least %(min)s characters.")),
    (re.compile(r"Longer than maximum length (?P<max>\d+)\.$"), _l("Write at most %(max)s characters.")),
    (re.compile(r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
     _l("Write from %(min)s to %(max)s characters.")),
    (re.compile(r"Length must be (?P<equal>\d+)\.$"), _l("Write exactly %(equal)s characters.")),
)


_ONE_OF = _l("Choose one of the offered values.")
_OUT_OF_RANGE = _l("This number is out of the allowed range.")


def _lazy_sentence(message: LazyString) -> "Sentence | None":
    """A lazy gettext string (`_l("Saved %(name)s.", name=...)`) as the Sentence it will say: its msgid and values."""
    if len(message._args) == 1 and isinstance(message._args[0], str):
        return Sentence(message._args[0], **message._kwargs)
    return None


def unsaid(message) -> Sentence:
    """A refusal, or a form's validation message (marshmallow's own, a schema's, a lazy gettext string), not said
    yet: kept as English and values (a flash, a field's message) and said in the language of the page showing it."""
    if isinstance(message, Sentence):
        return message
    if isinstance(message, CoopError):
        return message.sentence
    if isinstance(message, LazyString):
        found = _lazy_sentence(message)
        if found is not None:
            return found
    text = str(message)
    if text in _MARSHMALLOW:
        return unsaid(_MARSHMALLOW[text])
    for pattern, lazy in _LENGTHS:
        found = pattern.match(text)
        if found:
            return Sentence(lazy._args[0], **{name: int(value) for name, value in found.groupdict().items()})
    if text.startswith("Must be one of:"):
        return unsaid(_ONE_OF)
    if text.startswith(("Must be greater than", "Must be less than", "Must be at least", "Must be at most")):
        return unsaid(_OUT_OF_RANGE)
    return Sentence(text)  # a schema's own English: the catalogue's, when it has it


def translated(message) -> str:
    """A domain's or marshmallow's English message in the reader's language, when the catalogue has it.

    Domain errors are raised with constant English text (extracted by scripts/translations through the
    error classes' names) and their values apart, so the one lookup here serves every domain."""
    return unsaid(message).said(True)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _problem(status: int, title: str, detail: str, errors: dict | None = None, **extra):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _posted_field(field: str) -> str:
    """The posted field an error is about. The ledger names an entry's date "entry_date"; each form calls it its own
    way (on, paid_on, deposited_on): the message goes next to the one date the form posted."""
    if field in request.form or field != "entry_date":
        return field
    dated = [key for key, value in request.form.items() if _ISO_DATE.fullmatch(value.strip())]
    return dated[0] if len(dated) == 1 else field


def _back_to_form(message, errors: dict | None):
    """Re-show the form the officer came from, with what she typed and why it was refused (the message and the
    fields' messages kept untranslated, said in the language of the page that shows them)."""
    flash(message, "error")
    errors = {field: keep(text) for field, text in (errors or {}).items()}
    kept = {k: v for k, v in request.form.items() if k not in ("csrf_token", "password", "password_confirm")}
    session["_form"] = {"data": kept, "errors": errors or {}}
    return redirect(request.referrer or request.url, code=303)


def _flatten(messages) -> dict:
    """Each field's first message, as it was raised (a lazy gettext string or a Sentence stays one, not yet said)."""
    flat: dict = {}
    for field, value in (messages.items() if isinstance(messages, dict) else [("_schema", messages)]):
        while isinstance(value, (list, dict)):
            value = next(iter(value.values())) if isinstance(value, dict) else value[0]
        flat[field] = value if isinstance(value, (str, LazyString, Sentence)) else str(value)
    return flat


def _discard() -> None:
    """Undo the failed request's writes, unless it asked to keep them (a failed login's count).

    A rollback expires every row the session holds: the error page would then read the organization and the
    signed-in user again (her language, her name), in a second transaction after the request's own ended
    (on SQLite a write lock held to the end of the request). Those two rows were read before the request
    changed anything; they are kept as read."""
    if g.get("keep_changes"):
        return
    get_locale()  # her language, settled while her row is still fresh
    kept = [row for row in (g.get("org"), g.get("_login_user")) if row is not None and _held_as_read(row)]
    for row in kept:
        db.session.expunge(row)
    db.session.rollback()
    for row in kept:
        db.session.add(row)


def _held_as_read(row) -> bool:
    state = inspect(row, raiseerr=False)
    return (state is not None and state.persistent and not state.expired_attributes
            and not state.modified and state.session is db.session())


_RACE_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock detected, lock not available


def _lost_a_race(error: Exception) -> bool:
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) in _RACE_SQLSTATES or getattr(orig, "pgcode", None) in _RACE_SQLSTATES


def _log_refusal(status: int) -> None:
    """A logged-in user refused a record (403/404 under an organization) leaves an audit row, kept though the
    request's other writes are rolled back."""
    if status not in (403, 404) or not (request.path.startswith("/o/") or request.path.startswith("/api/v1/orgs/")):
        return
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return
    org = g.get("org")
    audit.record(f"refused.{status}", org_id=getattr(org, "id", None), user_id=user.id, target_type="request",
                 details={"method": request.method, "path": request.path[:300]})
    g.keep_changes = True


def register(app: Flask) -> None:
    @app.errorhandler(CoopError)
    def coop_error(error: CoopError):
        if getattr(error, "keep_changes", False):  # e.g. a command marked failed: the mark is the answer's record
            g.keep_changes = True
        _discard()
        _log_refusal(error.status)
        retry_after = getattr(error, "retry_after", None)  # 429: when to come back
        if _wants_json():  # the detail in the language the client asked for (Accept-Language), English by default
            detail = translated(error)
            errors = {error.field: detail} if error.field else None
            response = _problem(error.status, error.title, detail, errors, **error.extra)
            response.headers["Content-Language"] = str(get_locale() or "en")
        else:
            message = translated(error)
            errors = {_posted_field(error.field): message} if error.field else None
            if request.method == "POST" and error.status in (400, 409, 422):
                return _back_to_form(error, {_posted_field(error.field): error} if error.field else None)
            title = _PAGES[error.status][0] if error.status in _PAGES else error.title
            response = app.make_response((render_template("error.html", status=error.status, title=title,
                                                          message=message), error.status))
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.errorhandler(ValidationError)
    def validation_error(error: ValidationError):
        _discard()
        found = {k: unsaid(v) for k, v in _flatten(error.messages).items()}
        if _wants_json():  # as it was raised (a lazy string in the client's language, marshmallow's in English)
            errors = {k: str(v) for k, v in _flatten(error.messages).items()}
            detail = "; ".join(f"{k}: {v}" if k != "_schema" else v for k, v in errors.items())
            return _problem(422, "Invalid input", detail, errors)
        if request.method == "POST":  # next to each field and, once, at the top: kept unsaid, said by the next page
            return _back_to_form(Sentence.joined(found.values()), found)
        detail = "; ".join(dict.fromkeys(sentence.said(True) for sentence in found.values()))
        return render_template("error.html", status=422, title=_l("Invalid input"), message=detail), 422

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # Two requests raced for the same unique thing (an idempotency key, a slot); the loser retries.
        return coop_error(Conflict("Another request saved the same thing at the same moment. Reload and try again."))

    @app.errorhandler(DataError)
    def data_error(error: DataError):
        # A value the column cannot hold (a number past its range, text it cannot store): the input's fault.
        return coop_error(Invalid("A value is out of range (too large, or not valid for its field)."))

    @app.errorhandler(OverflowError)
    def overflow_error(error: OverflowError):
        # SQLite's driver refuses integers past 64 bits before the database sees them.
        return coop_error(Invalid("A number is too large."))

    @app.errorhandler(OperationalError)
    def operational_error(error: OperationalError):
        # Two requests fought over the same rows (PostgreSQL broke a deadlock, or a serializable
        # transaction lost): nothing was saved; the client may retry. Anything else stays a 500.
        if _lost_a_race(error):
            return coop_error(Conflict("Another request was changing the same records at the same moment. "
                                       "Nothing was saved; try again."))
        raise error

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        _discard()
        _log_refusal(error.code or 500)
        if _wants_json():
            return _problem(error.code or 500, error.name, error.description or error.name)
        if error.code == 401 and not _wants_json():
            if g.get("session_ended"):
                flash(_l("Your session has ended (idle too long, logged out, or a new password). Log in again."),
                      "warning")
            return redirect("/login?next=" + request.full_path.rstrip("?"))
        title, message = _PAGES.get(error.code, (error.name, error.description))
        return render_template("error.html", status=error.code, title=title, message=message), error.code

    @app.before_request
    def restore_form():
        # kept on the request, not only on g: a read that turns out to write runs again (web/transactions.py)
        # with g emptied, and the refused form's input and messages must survive into that second run
        form = request.environ.get("coop.form")
        if form is None:
            form = session.pop("_form", None) or {"data": {}, "errors": {}}
            form["errors"] = {field: said(text) for field, text in (form.get("errors") or {}).items()}
            request.environ["coop.form"] = form
        g.form = form

    @app.after_request
    def keep_flashes_untranslated(response):
        """A flash waits in the session for the next page, which may be in another language (she switched):
        it is kept as its English template and values and said when shown (`said`, in base.html)."""
        if "_flashes" in session:
            session["_flashes"] = [(category, keep(message)) for category, message in session["_flashes"]]
        return response
