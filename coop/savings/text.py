"""Messages an officer reads: translated in a request, English in a job or a shell."""
from flask import has_request_context
from flask_babel import gettext


def _(text: str, **values) -> str:
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text
