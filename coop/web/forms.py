"""Parsing at the edge: one marshmallow schema loads a form or a JSON body."""
from __future__ import annotations

import uuid

from flask import g, request
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, missing

from ..errors import Invalid
from .idempotency import claim


def load_form(schema: Schema) -> dict:
    """Load a posted form; empty fields count as not given.

    Except on an edit form, for a value the record cannot be without (a field that is optional in the
    schema only because an edit may leave it unchanged, with no default and no "none"): emptying it is
    refused next to the field instead of being silently ignored.
    """
    data, emptied = {}, {}
    fields_by_key = {f.data_key or name: f for name, f in schema.load_fields.items()}
    for key in request.form:
        if key in ("csrf_token", "idempotency_key"):  # the key travels apart: see idempotency_key()
            continue
        values = [v for v in request.form.getlist(key)]
        if key.endswith("[]"):
            data[key[:-2]] = [v for v in values if v.strip() != ""]
        elif values and values[0].strip() != "":
            data[key] = values[0].strip()
        else:
            field = fields_by_key.get(key)
            if (field is not None and not field.required and field.load_default is missing
                    and not field.allow_none and not isinstance(field, fields.Boolean)):
                emptied[key] = [_l("This cannot be left empty.")]  # said by the page that shows it
    if emptied:
        raise ValidationError(emptied)
    return schema.load(data)


# Parameters every page understands, read by the shared code: they never reach a page's own schema.
CROSS_CUTTING = frozenset({"lang"})


def query_args() -> dict:
    """The query string as a page's schema should see it: empty means not given, cross-cutting ones left out."""
    return {key: value.strip() for key, value in request.args.items()
            if key not in CROSS_CUTTING and value.strip() != ""}


def load_query(schema: Schema) -> dict:
    """Load the query string (a GET form, a link) like a posted form: empty fields count as not given."""
    return schema.load(query_args())


def load_json(schema: Schema) -> dict:
    """Load a JSON body. A PATCH changes what it names and nothing else: loaded as partial, so no field is required
    and no field left out takes its default (a price change must not reset the unit, nor a town her mobile)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object as the request body.")
    return schema.load(data, partial=True) if request.method == "PATCH" else schema.load(data)


def idempotency_key() -> str | None:
    """The client's key for this post: the Idempotency-Key header, or the form's hidden field."""
    key = request.headers.get("Idempotency-Key") or request.form.get("idempotency_key")
    if key and len(key) > 100:
        raise Invalid("An idempotency key has at most 100 characters.", field="idempotency_key")
    if key:
        org = g.get("org")
        claim(org.id if org is not None else None, key)  # the same key with another request: 409
    return key or None


def new_form_key() -> str:
    """A fresh key for a form being shown; a double-submitted form then posts once."""
    return uuid.uuid4().hex


def form_value(name: str, default=""):
    return g.form["data"].get(name, default) if getattr(g, "form", None) else default


def form_error(name: str):
    return g.form["errors"].get(name) if getattr(g, "form", None) else None
