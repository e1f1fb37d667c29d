"""A fake Odoo 17 on 127.0.0.1: stdlib xmlrpc.server in a thread, recording every execute_kw and checking its shape."""
from __future__ import annotations

import threading
from xmlrpc.server import MultiPathXMLRPCServer, SimpleXMLRPCDispatcher, SimpleXMLRPCRequestHandler

MODELS = {"account.journal", "account.account", "res.partner.category", "res.partner", "account.move",
          "ir.model.data"}


class FakeOdoo:
    def __init__(self, database="coopdb", login="bot", api_key="secret-key", fail_first: int = 0):
        self.database, self.login, self.api_key = database, login, api_key
        self.calls: list[tuple] = []
        self.records: dict[str, dict[str, dict]] = {}  # model -> external id -> values
        self.ids: dict[str, int] = {}  # external id -> database id
        self.posted: set[int] = set()
        self.fail_next = fail_first  # answer this many object calls with HTTP 502 (a proxy hiccup)
        server = MultiPathXMLRPCServer(("127.0.0.1", 0), requestHandler=_Handler, logRequests=False,
                                       allow_none=True)
        common, obj = SimpleXMLRPCDispatcher(allow_none=True), SimpleXMLRPCDispatcher(allow_none=True)
        common.register_function(lambda: {"server_version": "17.0", "protocol_version": 1}, "version")
        common.register_function(self.authenticate, "authenticate")
        obj.register_function(self.execute_kw, "execute_kw")
        server.add_dispatcher("/xmlrpc/2/common", common)
        server.add_dispatcher("/xmlrpc/2/object", obj)
        server.fake = self
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def authenticate(self, database, login, api_key, context):
        assert context == {}
        return 2 if (database, login, api_key) == (self.database, self.login, self.api_key) else False

    def execute_kw(self, database, uid, api_key, model, method, args, kwargs=None):
        assert (database, uid, api_key) == (self.database, 2, self.api_key), "bad credentials"
        assert model in MODELS, model
        assert isinstance(args, list)
        self.calls.append((model, method, args, kwargs))
        if method == "load":
            return self._load(model, *args)
        if method == "search_read":
            (domain,) = args
            assert domain[0] == ["module", "=", "__import__"] and domain[1][:2] == ["name", "in"]
            assert kwargs == {"fields": ["name", "res_id"]}
            return [{"name": x, "res_id": self.ids[x]} for x in domain[1][2] if x in self.ids]
        if method == "action_post":
            assert model == "account.move"
            self.posted.update(args[0])
            return True
        raise AssertionError(f"unexpected {model}.{method}")

    def _load(self, model, fields, rows):
        assert fields[0] == "id" and all(isinstance(f, str) for f in fields)
        assert all(isinstance(r, list) and len(r) == len(fields) and all(isinstance(c, str) for c in r)
                   for r in rows), "rows are lists of text cells, as many as the fields"
        store = self.records.setdefault(model, {})
        ids = []
        for row in rows:
            if not row[0]:  # a further line of the move above (one2many)
                assert model == "account.move"
                store[last]["line_ids"].append(dict(zip(fields[5:], row[5:])))
                continue
            last = row[0]
            values = dict(zip(fields, row))
            if model == "account.move":
                assert last not in self.ids or self.ids[last] not in self.posted, "a posted move was sent again"
                values = dict(zip(fields[:5], row[:5]), line_ids=[dict(zip(fields[5:], row[5:]))])
            store[last] = values
            self.ids.setdefault(last, len(self.ids) + 1)
            ids.append(self.ids[last])
        return {"ids": ids, "messages": []}


class _Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/xmlrpc/2/common", "/xmlrpc/2/object")

    def do_POST(self):
        fake = self.server.fake
        if self.path.endswith("/object") and fake.fail_next > 0:
            fake.fail_next -= 1
            self.send_response(502)
            self.send_header("Content-length", "0")
            self.end_headers()
            return
        super().do_POST()


class FakeOdooJson2(FakeOdoo):
    """The same fake answering Odoo 19's JSON-2 (`POST /json/2/<model>/<method>`, bearer key, named arguments)."""

    POSITIONAL = {"load": ("fields", "data"), "search_read": ("domain",), "action_post": ("ids",)}

    def __init__(self, **kw):
        import json
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        super().__init__(**kw)
        self.server.server_close()  # the XML-RPC server is not used
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                parts = self.path.strip("/").split("/")
                ok = (self.headers["Authorization"] == f"bearer {fake.api_key}"
                      and self.headers["X-Odoo-Database"] == fake.database
                      and self.headers["Content-Type"] == "application/json" and parts[:2] == ["json", "2"])
                if not ok:
                    return self._answer(401, {"message": "Invalid apikey"})
                model, method = parts[2], parts[3]
                names = fake.POSITIONAL[method]
                args = [body.pop(name) for name in names]
                result = fake.execute_kw(fake.database, 2, fake.api_key, model, method, args, body or None)
                self._answer(200, result)

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
