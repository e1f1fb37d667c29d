"""An OpenAPI 3.1 document built from the routes and their marshmallow schemas.

A route declares what it takes and gives with @documented; this module only reads those marks.
"""
from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify
from marshmallow import Schema, fields

from ..kernel import MAX_ID
from ..money import Money

bp = Blueprint("openapi", __name__)

_SIMPLE = {
    fields.Integer: {"type": "integer"}, fields.Float: {"type": "number"}, fields.Decimal: {"type": "string"},
    fields.Boolean: {"type": "boolean"}, fields.Date: {"type": "string", "format": "date"},
    fields.DateTime: {"type": "string", "format": "date-time"}, fields.Email: {"type": "string", "format": "email"},
    fields.String: {"type": "string"}, fields.Dict: {"type": "object"},
}


def documented(summary: str, *, body: type[Schema] | None = None, returns: type[Schema] | None = None,
               many: bool = False, status: int = 200, query: type[Schema] | None = None,
               also: dict[int, tuple[str, type[Schema]]] | None = None):
    """`also`: other success answers, status -> (description, schema), e.g. 202 when a command is held."""
    def mark(view):
        view.openapi = {"summary": summary, "body": body, "returns": returns, "many": many, "status": status,
                        "query": query, "also": also or {}}
        return view

    return mark


MONEY_IN = r"^-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?$"  # what coop.money reads
MONEY_OUT = r"^-?[0-9]+\.[0-9]{2}$"  # what it writes


def _nullable(out: dict) -> dict:
    """OpenAPI 3.1: a field that may be null says so in its type."""
    if "type" in out:
        kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = kinds + ["null"] if "null" not in kinds else kinds
        if "enum" in out:
            out["enum"] = list(out["enum"]) + [None]
        return out
    return {"anyOf": [out, {"type": "null"}]} if out else out


def field_schema(field: fields.Field, dump: bool = False, name: str = "") -> dict:
    if isinstance(field, Money):
        out = {"type": "string", "pattern": MONEY_OUT if dump else MONEY_IN, "description": "pesos, e.g. 2000.50"}
    elif isinstance(field, fields.Nested):
        nested = field.nested() if callable(field.nested) and not isinstance(field.nested, type) else field.nested
        inner = schema_object(nested if isinstance(nested, Schema) else nested(), dump)
        out = {"type": "array", "items": inner} if field.many else inner
    elif isinstance(field, fields.List):
        out = {"type": "array", "items": field_schema(field.inner, dump, name)}
    else:
        out = next((dict(v) for k, v in _SIMPLE.items() if isinstance(field, k)), {})
        if isinstance(field, fields.Integer) and not dump and (name == "id" or name.endswith("_id")
                                                               or name.endswith("_ids")):
            out.update(minimum=1, maximum=MAX_ID)  # ids beyond are refused (web.guard)
    for validator in field.validators:
        choices = getattr(validator, "choices", None)
        if choices is not None:
            out["enum"] = list(choices)
    if field.metadata.get("description"):
        out["description"] = field.metadata["description"]
    if field.allow_none:
        out = _nullable(out)
    return out


def schema_object(schema: Schema, dump: bool = False) -> dict:
    props, required = {}, []
    for name, field in schema.fields.items():
        if (dump and field.load_only) or (not dump and field.dump_only):
            continue
        key = field.data_key or name
        props[key] = field_schema(field, dump, key)
        if field.required and not dump:
            required.append(key)
    out = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    return out


@bp.get("/api/v1/openapi.json")
def document():
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("openapi."):
            continue
        view = current_app.view_functions[rule.endpoint]
        info = getattr(view, "openapi", {"summary": rule.endpoint, "body": None, "returns": None, "many": False,
                                         "status": 200, "query": None})
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation = {
                "operationId": f"{rule.endpoint}.{method.lower()}", "summary": info["summary"],
                "parameters": [{"name": arg, "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}
                                if f"int:{arg}" in rule.rule else {"type": "string"}}
                               for arg in sorted(rule.arguments)],
                "responses": {"default": {"description": "Problem details (RFC 9457)",
                                          "content": {"application/problem+json": {"schema": {"type": "object"}}}}},
                "security": [{"bearer": []}],
            }
            if info["query"]:
                for name, prop in schema_object(info["query"]()).get("properties", {}).items():
                    operation["parameters"].append({"name": name, "in": "query", "schema": prop})
            if info["body"] and method in ("POST", "PUT", "PATCH"):
                operation["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": schema_object(info["body"]())}}}
            if method in ("POST", "PUT", "PATCH", "DELETE"):
                operation["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": False,
                                                "schema": {"type": "string", "maxLength": 100}})
            success: dict = {"description": "OK"}
            if info["returns"]:
                shape = schema_object(info["returns"](), dump=True)
                success["content"] = {"application/json": {"schema": {"type": "array", "items": shape}
                                                            if info["many"] else shape}}
            operation["responses"][str(info["status"])] = success
            if info["status"] == 201 and method == "POST":
                # A retry with the same Idempotency-Key answers 200 with the first result.
                operation["responses"]["200"] = {**success, "description": "A replay: the first result"}
            for other, (description, schema) in info.get("also", {}).items():
                operation["responses"][str(other)] = {"description": description, "content": {
                    "application/json": {"schema": schema_object(schema(), dump=True)}}}
            paths.setdefault(path, {})[method.lower()] = operation
    return jsonify({
        "openapi": "3.1.0",
        "info": {"title": "coop API", "version": "1"},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    })
