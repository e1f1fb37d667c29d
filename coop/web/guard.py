"""Input no request may carry, refused before any view runs (a 4xx, never a 500, nothing posted).

- `<int:...>` route arguments are bounded to the primary keys' range (1..2^31-1): beyond it, 404.
- NUL characters in the query string, a form or a JSON body: 400 (PostgreSQL cannot store them).
- A JSON body that cannot be parsed (nested 10,000 deep, numbers with thousands of digits): 400.
- Ids in a body (`id`, `*_id`, `*_ids`) outside 1..2^31-1: 422 naming the field.
- The request size is limited by MAX_CONTENT_LENGTH (config): 413.
"""
from __future__ import annotations

from flask import Flask, request
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from ..errors import Words  # extracted into the catalogue, said in the reader's language
from ..kernel import MAX_ID


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only what a 32-bit primary key can hold: a bigger number is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max, signed=signed)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _is_id_key(key: str) -> bool:
    key = key.removesuffix("[]")
    return key == "id" or key.endswith("_id") or key.endswith("_ids")


def _out_of_range(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 30:
            return False  # not a number: the schema says what is wrong with it
        value = int(text)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return isinstance(value, int) and not 0 < value <= MAX_ID


def _bad_ids(value, path: str = "") -> dict[str, str]:
    """Fields naming a record by an id no record can have."""
    found: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and _is_id_key(key):
                items = item if isinstance(item, list) else [item]
                if any(_out_of_range(v) for v in items):
                    found[name] = Words("No such record.")
                    continue
            found.update(_bad_ids(item, name))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found.update(_bad_ids(item, f"{path}.{n}" if path else str(n)))
    return found


def register(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter

    @app.before_request
    def refuse_bad_input():
        if any(_has_nul(v) for v in request.args.values()) or "\x00" in request.path:
            raise BadRequest("Text may not contain NUL characters.")
        bad = _bad_ids({key: request.args.getlist(key) for key in request.args})
        if bad:
            raise ValidationError(bad)
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return None
        if request.is_json and request.get_data(cache=True):
            try:
                body = request.get_json(silent=True)
            except (RecursionError, ValueError):
                body = None
            if body is None:
                raise BadRequest("The request body is not valid JSON (or is nested too deeply).")
            if _has_nul(body):
                raise BadRequest("Text may not contain NUL characters.")
            bad = _bad_ids(body)
            if bad:
                raise ValidationError(bad)
        elif request.form:
            if any(_has_nul(k) or _has_nul(v) for k, v in request.form.items(multi=True)):
                raise BadRequest("Text may not contain NUL characters.")
            bad = _bad_ids({key: request.form.getlist(key) for key in request.form})
            if bad:
                raise ValidationError(bad)
        return None
