"""Push the books to Odoo over XML-RPC `execute_kw` (17, 18) or JSON-2 (19) (../shared/ODOO.md §6.5), one direction.

The rows are the export's (odoo.py), sent with `load`, which upserts by external id: a retried
call or a re-run push updates what Odoo already has. Journal entries already in Odoo (looked up
in `ir.model.data` by external id) are never sent again, and the connection's watermark
(`last_entry_id`) moves after each chunk, so a push cut off half-way goes on where it stopped.
Every push is an `interchange_run` row (progress, summary) and one audit row.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import xmlrpc.client
from typing import Callable

from ..audit import services as audit
from ..errors import Invalid, keep
from ..timeutil import utcnow
from . import odoo, services

CHUNK = 500  # rows per load for the chart and partners
MOVES_PER_CALL = 100
RETRIES = 3


class OdooError(Invalid):
    pass


class OdooClient:
    """The calls coop makes, each retried on a network failure (safe: `load` upserts by external id)."""

    def __init__(self, url: str, database: str, login: str, api_key: str, *, timeout: float = 30,
                 pause: float = 0.5):
        self.url, self.database, self.api_key, self.pause = url.rstrip("/"), database, api_key, pause
        self.timeout = timeout
        common = self._proxy("common")
        self.version = self._retry(common.version)
        self.uid = self._retry(common.authenticate, database, login, api_key, {})
        if not self.uid:
            raise OdooError("Odoo refused the login and API key.", field="api_key")
        self.models = self._proxy("object")

    def _proxy(self, service: str) -> xmlrpc.client.ServerProxy:
        transport = _Transport(self.timeout) if self.url.startswith("http://") else _SafeTransport(self.timeout)
        return xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/{service}", allow_none=True, transport=transport)

    def _retry(self, fn, *args):
        for attempt in range(1, RETRIES + 1):
            try:
                return fn(*args)
            except xmlrpc.client.Fault as fault:  # Odoo answered: retrying would get the same answer
                raise OdooError("Odoo refused: %(fault)s",
                                values={"fault": fault.faultString[:300]}) from None
            except (OSError, xmlrpc.client.ProtocolError) as error:
                if attempt == RETRIES:
                    raise OdooError("Odoo did not answer after %(tries)s tries: %(error)s",
                                    values={"tries": RETRIES, "error": error}) from None
                time.sleep(self.pause * attempt)

    def call(self, model: str, method: str, args: list, kwargs: dict | None = None):
        return self._retry(self.models.execute_kw, self.database, self.uid, self.api_key, model, method, args,
                           kwargs or {})

    def load(self, model: str, fields: tuple, rows: list) -> list[int]:
        result = self.call(model, "load", [list(fields), [list(row) for row in rows]])
        errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
        if errors or not result.get("ids") and rows:
            first = errors[0].get("message") if errors else "no record was written"
            raise OdooError("Odoo refused rows of %(model)s: %(first)s", values={"model": model, "first": first})
        return list(result["ids"])

    def existing_xids(self, names: list[str]) -> set[str]:
        found = self.call("ir.model.data", "search_read",
                          [[["module", "=", "__import__"], ["name", "in", names]]], {"fields": ["name", "res_id"]})
        return {row["name"] for row in found}


class OdooJson2Client(OdooClient):
    """Odoo 19's JSON-2: `POST /json/2/<model>/<method>` with the API key as a bearer token, named arguments."""

    NAMED = {"load": ("fields", "data"), "search_read": ("domain",), "action_post": ("ids",)}

    def __init__(self, url: str, database: str, login: str, api_key: str, *, timeout: float = 30,
                 pause: float = 0.5):
        self.url, self.database, self.api_key, self.pause, self.timeout = (url.rstrip("/"), database, api_key, pause,
                                                                           timeout)
        self.version, self.uid = {"server_version": "19"}, None

    def _post(self, model: str, method: str, body: dict):
        request = urllib.request.Request(
            f"{self.url}/json/2/{model}/{method}", data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": f"bearer {self.api_key}", "X-Odoo-Database": self.database,
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                raise OSError(f"HTTP {error.code}") from None
            detail = error.read()[:300].decode("utf-8", "replace")
            raise xmlrpc.client.Fault(error.code, detail) from None

    def call(self, model: str, method: str, args: list, kwargs: dict | None = None):
        body = dict(zip(self.NAMED[method], args), **(kwargs or {}))
        return self._retry(self._post, model, method, body)


class _Transport(xmlrpc.client.Transport):
    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


class _SafeTransport(xmlrpc.client.SafeTransport):
    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


def _moves(rows: list[tuple]) -> list[list[tuple]]:
    """The entry rows grouped by move: a row with an id starts one."""
    moves: list[list[tuple]] = []
    for row in rows:
        if row[0]:
            moves.append([])
        moves[-1].append(row)
    return moves


def push(org_id: int, run_id: int, *, secret_key: str, checkpoint: Callable[[], None] = lambda: None,
         echo: Callable[[str], None] | None = None, timeout: float = 30, pause: float = 0.5) -> str:
    """Run one push (or its dry run). `checkpoint` is the boundary's commit, called after each chunk so the
    progress and the watermark are seen and kept. Failures end the run as failed, with the reason."""
    run = services.get_run(org_id, run_id)
    run.status, run.started_at, run.heartbeat_at = "running", utcnow(), utcnow()
    sent = {name: 0 for name in odoo.IMPORT_ORDER}
    try:
        row = services.connection(org_id)
        if row is None and not run.dry_run:
            raise OdooError("Set the Odoo address, database, login and API key first.")
        export = odoo.build(org_id, after_id=row.last_entry_id if row else 0)
        found = odoo.problems(export)
        if found:
            raise OdooError("Odoo would refuse this chart: %(problems)s", values={"problems": "; ".join(found[:5])})
        moves = _moves(export.files[odoo.ENTRIES])
        run.total = sum(len(export.files[name]) for name in odoo.IMPORT_ORDER if name != odoo.ENTRIES) + len(moves)
        checkpoint()
        if run.dry_run:
            for name in odoo.IMPORT_ORDER:
                if echo:
                    echo(f"{odoo.MODELS[name]} load {list(odoo.HEADERS[name])}")
                    for cells in export.files[name]:
                        echo("  " + repr(list(cells)))
                sent[name] = len(_moves(export.files[name])) if name == odoo.ENTRIES else len(export.files[name])
            run.done = run.total
        else:
            kind = OdooJson2Client if row.version == "19" else OdooClient
            client = kind(row.url, row.database, row.login, services.api_key(row, secret_key), timeout=timeout,
                          pause=pause)
            for name in odoo.IMPORT_ORDER[:-1]:
                rows = export.files[name]
                for start in range(0, len(rows), CHUNK):
                    client.load(odoo.MODELS[name], odoo.HEADERS[name], rows[start:start + CHUNK])
                    sent[name] += len(rows[start:start + CHUNK])
                    run.done += len(rows[start:start + CHUNK])
                    run.heartbeat_at = utcnow()
                    checkpoint()
            for start in range(0, len(moves), MOVES_PER_CALL):
                chunk = moves[start:start + MOVES_PER_CALL]
                there = client.existing_xids([move[0][0] for move in chunk])
                fresh = [move for move in chunk if move[0][0] not in there]
                if fresh:
                    ids = client.load("account.move", odoo.HEADERS[odoo.ENTRIES],
                                      [cells for move in fresh for cells in move])
                    if row.auto_post:
                        client.call("account.move", "action_post", [ids])
                sent[odoo.ENTRIES] += len(fresh)
                row.last_entry_id = int(chunk[-1][0][0].rsplit("_", 1)[1])
                run.done += len(chunk)
                run.heartbeat_at = utcnow()
                checkpoint()
        run.status = "done"
    except OdooError as error:
        run.status = "failed"
        run.problems = [{"row": None, "column": None, "message": error.message, "said": keep(error)}]
    run.finished_at = utcnow()
    run.summary = {"sent": {odoo.MODELS[k]: v for k, v in sent.items()}, "dry_run": run.dry_run}
    audit.record("interchange.odoo_push", org_id=org_id, user_id=run.created_by, target_type="interchange_run",
                 target_id=run.id, details={"status": run.status, "dry_run": run.dry_run,
                                            "sent": {odoo.MODELS[k]: v for k, v in sent.items()}})
    verb = "would send" if run.dry_run else "sent"
    text = (f"push {run.status}: {verb} " + ", ".join(f"{v} {odoo.MODELS[k]}" for k, v in sent.items())
            + (f" ({run.problems[0]['message']})" if run.problems else ""))
    return text


