"""A walk through the whole application, as its users meet it.

Every role of both demo organizations logs in and, from her start page, follows every same-origin
GET link and submits every GET form with its default values; each page is opened again in
Filipino through the page's own language link. Every POST form that has fields is then submitted
empty and with bad values. New pages are covered without editing this test.

Failures are collected and reported together:
- any status >= 400 (a link or form shown to a role must work for that role);
- a string of the Filipino catalogue left in English on a Filipino page;
- a <title> holding markup or personal data;
- an inline style, inline script, <style> block or on* handler (the CSP blocks them);
- a refused POST that does not come back to its form with the message next to a field and the input
  kept, or that posted to the ledger anyway.
"""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from collections import defaultdict, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from babel.messages.pofile import read_po
from werkzeug.datastructures import MultiDict
from sqlalchemy import func, select

from flask import got_request_exception, request

import coop
from coop.extensions import db

CATALOGUE = Path(coop.__file__).parent / "translations" / "fil" / "LC_MESSAGES" / "messages.po"
VISITS_PER_SHAPE = 2          # each route shape (ids collapsed) is opened at most this often per role
MAX_PAGES_PER_ROLE = 400      # a safety net: the walk must stay well under two minutes
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
PHONE = re.compile(r"(?:\+?63|0)9\d{2}[\s-]?\d{3}[\s-]?\d{4}")
BAD_VALUES = ("-5", "99999999999999999", "abc", "1,50")
# Dates a transaction cannot carry: a year ahead, and long before the member was admitted (before any member was).
TRANSACTION_DATE = re.compile(r"^(on|paid_on|received_on|deposited_on|sold_on|released_on|repaid_on|given_on)$")
PICKERS = ("member", "to")  # a GET form's box where an officer types a member's name or number
MEMBER_PATH = re.compile(r"/(members|savings|loans)/")  # a member's own money: nothing dated before she joined
# GET routes no role reaches by following links, each with the reason it need not be (anything else unreached fails).
EXCUSED = {
    "static": "stylesheet, script and image files a page loads, not pages; tests/web/test_serve.py serves them",
    "web.favicon": "the browser asks for it by itself; checked at the start of this walk",
    "auth.second_step": "reached only in the middle of signing in with two-step sign-in on; tests/auth walks it",
}
API_PREFIX = "/api/"  # JSON for programs, not pages: each domain's tests/<domain>/test_api*.py opens every route
NUMERIC = re.compile(r"(amount|qty|quantity|price|cost|rate|pct|count|days|months|number|_on$|^on$|_at$|date|pesos|"
                     r"cap|fee|penalty|limit|minutes|capacity|share)")


def translated_strings() -> set[str]:
    with open(CATALOGUE, "rb") as source:
        catalogue = read_po(source)
    found = set()
    for message in catalogue:
        if not message.id or isinstance(message.id, tuple) or message.string == message.id:
            continue  # a word the same in both languages ("Odoo", "API key") is no sign of a missed string
        if "%(" not in message.id and "{" not in message.id:
            # untranslated entries too: a string the catalogue holds but Filipino lacks is left in English
            found.add(" ".join(message.id.split()))
    return found


class Page(HTMLParser):
    """What a user can do on a page: its links and forms, its title, its visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.title_parts: list[str] = []
        self.title_markup = False
        self.texts: list[str] = []
        self.inline: list[str] = []
        self.errors_near_fields = 0
        self.input_values: list[str] = []
        self._stack: list[str] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None
        self._option: dict | None = None
        self._flash = False
        self.error_flash = False
        self._data_depth = 0  # inside translate="no": names, codes, data, not the interface
        self.flashes: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if "title" in self._stack:
            self.title_markup = True
        if "style" in a:
            self.inline.append(f'style="{a["style"]}" on <{tag}>')
        for name in a:
            if name.startswith("on"):
                self.inline.append(f"{name}= on <{tag}>")
        if tag == "style":
            self.inline.append("<style> block")
        if tag == "script" and not a.get("src"):
            self.inline.append("<script> without src")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img" and a.get("src") and not a["src"].startswith("data:"):
            self.links.append(a["src"])  # an image the page shows (a QR code) is a route too
        if tag == "small" and "error" in a.get("class", "").split():
            self.errors_near_fields += 1
        if tag == "p" and "flash" in a.get("class", "").split():
            self._flash = True
            self.error_flash = self.error_flash or "error" in a.get("class", "").split()
        if a.get("translate") == "no" and tag not in VOID:
            self._data_depth = self._data_depth or len(self._stack) + 1
        if tag == "form":
            self._form = {"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": [],
                          "enctype": a.get("enctype", "")}
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None:
            kind = a.get("type", "text").lower()
            self.input_values.append(a.get("value", ""))
            if a.get("name") and kind not in ("submit", "button", "image", "reset", "file"):
                checked = "checked" in a
                if kind in ("checkbox", "radio") and not checked:
                    self._form["fields"].append({"name": a["name"], "type": kind, "value": None,
                                                 "required": "required" in a})
                else:
                    self._form["fields"].append({"name": a["name"], "type": kind, "value": a.get("value", "on" if
                                                 kind == "checkbox" else ""), "required": "required" in a,
                                                 "numeric": a.get("inputmode") in ("numeric", "decimal")})
        elif tag == "select" and self._form is not None and a.get("name"):
            self._select = {"name": a["name"], "type": "select", "value": None, "first": None,
                            "required": "required" in a}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option = {"value": value, "text": ""}
            if "selected" in a:
                self._select["value"] = value if value is not None else ""
                self._select["pending"] = value is None
            if self._select["first"] is None:
                self._select["first"] = value
                self._select["first_pending"] = value is None
        elif tag == "textarea" and self._form is not None and a.get("name"):
            self._textarea = {"name": a["name"], "type": "textarea", "value": "", "required": "required" in a}
            self._form["fields"].append(self._textarea)
        if tag not in VOID:
            self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if self._select["value"] is None:
                self._select["value"] = self._select["first"] or ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option":
            self._option = None
        if tag == "p":
            self._flash = False
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass
            if self._data_depth and len(self._stack) < self._data_depth:
                self._data_depth = 0

    def handle_data(self, data):
        if "title" in self._stack:
            self.title_parts.append(data)
        if self._textarea is not None:
            self._textarea["value"] += data
            self.input_values.append(data)
        if self._option is not None and self._option["value"] is None and self._select is not None:
            # <option>text</option>: the value is the text
            if self._select.get("pending"):
                self._select["value"] = (self._select["value"] or "") + data.strip()
            if self._select.get("first_pending"):
                self._select["first"] = (self._select["first"] or "") + data.strip()
        if self._flash:
            self.flashes.append(data.strip())
        if not self._data_depth and not any(t in self._stack for t in ("script", "style", "title")):
            text = " ".join(data.split())
            if text:
                self.texts.append(text)

    @property
    def title(self) -> str:
        return " ".join("".join(self.title_parts).split())


def shape(url: str) -> str:
    """The route shape of a URL: numbers (ids, dates) collapsed, query keys without values."""
    parts = urlsplit(url)
    keys = sorted({k + ("=*" if k in PICKERS and v else "") for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if k != "lang"})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def same_origin(base: str, href: str) -> str | None:
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
        return None
    return parts.path + ("?" + parts.query if parts.query else "")


def form_data(fields: list[dict]) -> list[tuple[str, str]]:
    return [(f["name"], f["value"] if f["value"] is not None else "") for f in fields if f["value"] is not None]


class Walk:
    def __init__(self, app):
        self.app = app
        self.failures: list[str] = []
        self.catalogue = translated_strings()
        self.post_forms: dict[str, tuple] = {}  # form shape -> (client, page url, form, who)
        self.pages = 0
        self.reached: dict[str, set[str]] = defaultdict(set)  # who -> the endpoints of the pages she opened
        self.member_texts: dict[str, tuple[str, ...]] = {}  # slug -> what an officer types in a member picker
        self.admitted: dict[str, str] = {}  # slug -> a day before any member of hers was admitted
        self.adapter = app.url_map.bind("localhost")

    def fail(self, who: str, url: str, problem: str):
        self.failures.append(f"[{who}] {url}: {problem}")

    def client_for(self, username: str | None, password: str | None):
        client = self.app.test_client()
        if username is None:
            return client  # nobody signed in: the public pages
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 303, f"{username} cannot log in"
        return client

    def get(self, client, url: str, referrer: str | None = None):
        headers = {"Referer": "http://localhost" + referrer} if referrer else {}
        self.pages += 1
        return client.get(url, headers=headers)

    def check_html(self, who: str, url: str, html: str, parsed: Page, personal: tuple[str, ...]):
        if parsed.title_markup:
            self.fail(who, url, f"<title> holds markup: {parsed.title[:80]!r}")
        if len(parsed.title) > 120 or PHONE.search(parsed.title) or any(p and p in parsed.title for p in personal):
            self.fail(who, url, f"<title> holds personal data: {parsed.title[:120]!r}")
        for problem in sorted(set(parsed.inline)):
            self.fail(who, url, f"inline {problem} (blocked by the CSP)")

    def walk_role(self, username: str, password: str, role: str, slug: str, begin: str = "/",
                  within: str | None = None):
        """Walk from her start page (or `begin`), following links and GET forms; `within` keeps the walk under
        one path (a second pass over pages the first state of the books could not show)."""
        who = f"{role}@{slug}"
        client = self.client_for(username, password)
        fil = self.client_for(username, password)
        start = client.get(begin, follow_redirects=True)
        if start.status_code >= 400:
            self.fail(who, "/", f"start page answers {start.status_code}")
            return
        start_url = start.request.path + ("?" + start.request.query_string.decode() if start.request.query_string
                                          else "")
        personal = (username,) if role == "member" and username else ()
        seen_urls: set[str] = set()
        per_shape: dict[str, int] = defaultdict(int)
        queue: deque[tuple[str, str | None]] = deque([(start_url, None)])
        opened = 0
        while queue and opened < MAX_PAGES_PER_ROLE:
            url, referrer = queue.popleft()
            if url in seen_urls or (within and not url.startswith(within)):
                continue
            seen_urls.add(url)
            key = shape(url)
            if per_shape[key] >= VISITS_PER_SHAPE:
                continue
            per_shape[key] += 1
            opened += 1
            response = self.get(client, url, referrer)
            try:
                self.reached[who].add(self.adapter.match(urlsplit(url).path, method="GET")[0])
            except Exception:  # noqa: BLE001 - not a route of ours (a 404 is reported below)
                pass
            if response.status_code in (301, 302, 303, 307, 308):
                target = same_origin("http://localhost" + url, response.headers["Location"])
                if target:
                    queue.appendleft((target, referrer))
                continue
            if response.status_code >= 400:
                self.fail(who, url, f"answers {response.status_code}"
                          + (f" (linked from {referrer})" if referrer else ""))
                continue
            if response.mimetype != "text/html":
                continue  # a PDF, a CSV: it opened, that is all we ask
            html = response.get_data(as_text=True)
            parsed = Page()
            parsed.feed(html)
            self.check_html(who, url, html, parsed, personal)
            base = "http://localhost" + url
            for href in parsed.links:
                target = same_origin(base, href)
                if target is None or "lang=" in urlsplit(target).query:
                    continue
                queue.append((target, url))
            for form in parsed.forms:
                action = same_origin(base, form["action"] or url) or url
                if form["method"] == "get":
                    path = urlsplit(action).path
                    data = form_data(form["fields"])
                    queue.append((path + ("?" + urlencode(data) if data else ""), url))
                    for picker in [f["name"] for f in form["fields"] if f["name"] in PICKERS and f["type"] == "text"]:
                        for typed in self.member_texts.get(slug, ()):  # a picker: by number, and by part of a name
                            data = [(k, typed if k == picker else v) for k, v in form_data(form["fields"])]
                            queue.append((path + "?" + urlencode(data), url))
                elif form["method"] == "post" and not self.may_post(role, action):
                    self.fail(who, url, f"shows a form (POST {urlsplit(action).path}) her role may not use")
                elif "logout" not in action and any(f["type"] not in ("hidden",) for f in form["fields"]):
                    form_key = shape(action) + "|" + ",".join(sorted(f["name"] for f in form["fields"]))
                    self.post_forms.setdefault(form_key, (client, url, form, who, action))
            if per_shape[key] == 1:
                self.in_filipino(who, fil, url, parsed)
        left = [url for url, _ref in queue if url not in seen_urls and per_shape[shape(url)] < VISITS_PER_SHAPE]
        if opened >= MAX_PAGES_PER_ROLE and left:
            self.fail(who, left[0], f"not walked: the walk stopped at {MAX_PAGES_PER_ROLE} pages with "
                                    f"{len(left)} still to open")

    def check_coverage(self, who: str, role: str, org_kind: str):
        """Every menu and report entry her role may open in her kind of organization was reached by following
        links from her start page (a page she may open but cannot find is a defect too)."""
        from coop.manifest import plugins

        for item in list(plugins().nav) + list(plugins().reports):
            if role in item.roles and org_kind in item.org_kinds and item.endpoint not in self.reached[who]:
                self.fail(who, item.endpoint, "a page her menu offers was never reached from her start page")

    def may_post(self, role: str, action: str) -> bool:
        """Whether the roles the form's view declares include hers (actions she may not take are not shown)."""
        try:
            endpoint = self.adapter.match(urlsplit(action).path, method="POST")[0]
        except Exception:  # noqa: BLE001 - a form posting nowhere is reported by its 404/405 when submitted
            return True
        roles = getattr(self.app.view_functions.get(endpoint), "required_roles", None)
        return roles is None or role in roles

    def in_filipino(self, who: str, fil, url: str, parsed: Page):
        links = [h for h in parsed.links if "lang=fil" in h]
        if not links:
            self.fail(who, url, "no link to the page in Filipino")
            return
        target = same_origin("http://localhost" + url, links[0])
        asked = {k: v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
        kept = dict(parse_qsl(urlsplit(target).query, keep_blank_values=True))
        if any(kept.get(k) != v for k, v in asked.items() if k != "lang"):
            self.fail(who, url, f"the language link drops what was asked: {links[0]}")
        response = self.get(fil, target)
        if response.status_code >= 400:
            self.fail(who, target, f"in Filipino answers {response.status_code}")
            return
        if response.mimetype != "text/html":
            return
        page = Page()
        page.feed(response.get_data(as_text=True))
        left = sorted({t for t in page.texts if t in self.catalogue})
        if left:
            self.fail(who, target, "left in English on the Filipino page: " + "; ".join(repr(t) for t in left[:8]))

    def entries(self) -> tuple[int, int]:
        """How many journal entries and audit events there are: a refused form adds to neither."""
        from coop.audit.models import AuditEvent
        from coop.ledger.models import JournalEntry

        db.session.rollback()
        return (db.session.scalar(select(func.count()).select_from(JournalEntry)),
                db.session.scalar(select(func.count()).select_from(AuditEvent)))

    def post_bad(self):
        forms, self.post_forms = self.post_forms, {}
        for client, page_url, form, who, action in forms.values():
            editable = [f for f in form["fields"] if f["type"] not in ("hidden", "checkbox", "radio")]
            # Empty is only a mistake where something is required; otherwise it is a click on an action (Approve).
            attempts = [("empty", {f["name"]: "" for f in editable})] if any(f["required"] for f in editable) else []
            typed = [f for f in editable if f["type"] in ("number", "date", "datetime-local")
                     or (f["type"] == "text" and (NUMERIC.search(f["name"]) or f.get("numeric")))]
            for bad in BAD_VALUES:
                if typed:
                    attempts.append((f"bad value {bad}", {f["name"]: bad for f in typed}))
            dated = [f for f in editable if f["type"] == "date" and TRANSACTION_DATE.match(f["name"])]
            slug = urlsplit(action).path.split("/")[2] if action.startswith("/o/") else ""
            if dated:
                ahead = (date.today() + timedelta(days=366)).isoformat()
                attempts.append((f"bad value {ahead} (a year ahead)", {f["name"]: ahead for f in dated}))
                if slug in self.admitted and (MEMBER_PATH.search(action) or any(
                        f["name"] in ("member", "member_id") for f in form["fields"])):
                    attempts.append((f"bad value {self.admitted[slug]} (before she was admitted)",
                                     {f["name"]: self.admitted[slug] for f in dated}))
            for label, overrides in attempts:
                data = []
                for field in form["fields"]:
                    if field["name"] in overrides:
                        data.append((field["name"], overrides[field["name"]]))
                    elif field["name"] == "idempotency_key":
                        data.append((field["name"], uuid.uuid4().hex))
                    elif field["value"] is not None:
                        data.append((field["name"], field["value"]))
                before = self.entries()
                self.pages += 1
                response = client.post(action, data=MultiDict(data), headers={"Referer": "http://localhost" + page_url})
                after = self.entries()
                if after[0] != before[0]:
                    self.fail(who, f"POST {action}", f"{label}: posted {after[0] - before[0]} journal entries")
                if response.status_code >= 400:
                    self.fail(who, f"POST {action}", f"{label}: answers {response.status_code} instead of the form")
                    continue
                if response.status_code != 303:
                    self.fail(who, f"POST {action}", f"{label}: answers {response.status_code}, not a redirect")
                    continue
                location = same_origin("http://localhost" + action, response.headers["Location"])
                if location is None or urlsplit(location).path != urlsplit(page_url).path:
                    if label != "empty" or any(f["required"] for f in editable):
                        self.fail(who, f"POST {action}", f"{label}: accepted (went to {location}) instead of refused")
                    continue
                shown = client.get(location)
                if shown.status_code >= 400:
                    self.fail(who, f"POST {action}", f"{label}: the form answers {shown.status_code} after refusal")
                    continue
                page = Page()
                page.feed(shown.get_data(as_text=True))
                if not page.error_flash and not page.errors_near_fields:  # saved, back on the same page
                    if label == "empty" and any(f["required"] for f in editable):
                        self.fail(who, f"POST {action}", f"{label}: accepted with its required fields empty")
                    elif label != "bad value -5" and label != "empty":
                        self.fail(who, f"POST {action}", f"{label}: accepted")
                    continue
                if after[1] != before[1]:
                    self.fail(who, f"POST {action}", f"{label}: refused, yet wrote {after[1] - before[1]} audit events")
                if not page.errors_near_fields:
                    self.fail(who, f"POST {action}", f"{label}: no message next to a field (flash: "
                              f"{' '.join(page.flashes)[:120]!r})")
                if label.startswith("bad value") and overrides and not any(
                        v in page.input_values for v in overrides.values()):
                    self.fail(who, f"POST {action}", f"{label}: the input was not kept")


def prepare_more_pages(app, walk: Walk, slug: str) -> tuple[list[tuple[str, str, tuple[str, ...]]], tuple[str, str]]:
    """The pages the demo's first state of the books cannot show: an import run at each of its steps (upload, map,
    dry run, confirmed), a bank statement, the year end closed, allocated and posted (its payment slips). Made the
    way an officer makes them, through the pages; returns where each can be found and by which roles, and the login
    of a member with a line in the posted allocation (her payment slip)."""
    import io

    from coop.auth import services as auth
    from coop.auth.models import User
    from coop.errors import CoopError
    from coop.members.models import Member
    from coop.orgs.models import Organization
    from coop.yearend import services as yearend

    app.config["INTERCHANGE_RUN_INLINE"] = True
    officer = walk.client_for("officer", "demo-officer-pass")
    imports = f"/o/{slug}/interchange/imports"
    rows = b"Ref,Date,Memo,Account,Debit,Credit\nW1,2025-01-02,Walk,11110,1.00,\nW1,2025-01-02,Walk,service_fees,,1.00\n"
    for step in ("uploaded", "checked", "imported"):
        response = officer.post(imports, data={"kind": "journal", "file": (io.BytesIO(rows), f"walk-{step}.csv")},
                                content_type="multipart/form-data")
        assert response.status_code == 303, f"the import upload answers {response.status_code}"
        run_path = urlsplit(response.headers["Location"]).path  # .../imports/<id>/map
        if step != "uploaded":
            mapped = officer.post(run_path, data={"col_ref": "Ref", "col_date": "Date", "col_memo": "Memo",
                                                  "col_account": "Account", "col_debit": "Debit", "col_credit": "Credit"})
            assert mapped.status_code == 303, f"matching the columns answers {mapped.status_code}"
        if step == "imported":
            confirmed = officer.post(run_path.rsplit("/", 1)[0] + "/confirm")
            assert confirmed.status_code == 303, f"confirming the import answers {confirmed.status_code}"
    today = date.today().strftime("%m/%d/%Y")
    statement = ("Date,Description,Reference,Withdrawal,Deposit,Balance\n"
                 f"{today},Cash deposit,DS-W,,\"1,300.00\",\"1,300.00\"\n{today},Service charge,,50.00,,\"1,250.00\"\n")
    response = officer.post(f"/o/{slug}/cash/statements", data={"file": (io.BytesIO(statement.encode()), "bank.csv"),
                                                                  "account": "cash_in_bank"},
                            content_type="multipart/form-data")
    assert response.status_code == 303, f"the bank statement upload answers {response.status_code}"

    # The year end: the demo's past years closed by two officers, the last one's surplus allocated, reviewed,
    # approved by the assembly (confirmed by a second officer) and posted: each member's payment slip exists.
    coop_id = db.session.scalar(select(Organization.id).where(Organization.slug == slug))
    officers = {name: db.session.scalar(select(User.id).where(User.username == name)) for name in ("officer", "officer2")}
    years = sorted(yearend.closable_years(coop_id))  # oldest first; the last is the demo's year to allocate
    for year in years:
        yearend.close_year(coop_id, year, requested_by=officers["officer"], approved_by=officers["officer2"])
    defaults = yearend.proposal_defaults(coop_id)
    posted = yearend.propose(coop_id, years[-1], actor_id=officers["officer"], **defaults)
    yearend.review(coop_id, posted.id, board_resolution="BR-WALK", actor_id=officers["officer"])
    yearend.approve_allocation(coop_id, posted.id, resolution_number="GA-WALK", assembly_date=date.today(),
                               requested_by=officers["officer"], approved_by=officers["officer2"])
    yearend.post_allocation(coop_id, posted.id, on=date.today(), actor_id=officers["officer"])
    if len(years) > 1:  # a draft beside it, when an earlier year had a surplus to allocate
        try:
            yearend.propose(coop_id, years[-2], actor_id=officers["officer"], **defaults)
        except CoopError:
            db.session.rollback()
    # A member who held shares that year signs in to see her slip (the demo's own member was admitted later).
    holder = db.session.scalar(select(User).join(Member, Member.user_id == User.id).where(
        Member.id.in_([line.member_id for line in yearend.schedule(posted) if line.total > 0])).order_by(Member.number))
    holder.password_hash = auth.hash_password("walk-member-pass")
    db.session.commit()
    staff, readers = ("admin", "officer"), ("admin", "officer", "auditor")
    return ([(f"/o/{slug}/interchange/imports", f"/o/{slug}/interchange/", staff),
             (f"/o/{slug}/cash/", f"/o/{slug}/cash/", readers), (f"/o/{slug}/yearend/", f"/o/{slug}/yearend/", readers)],
            (holder.username, "walk-member-pass"))


def test_every_role_walks_every_page_and_form(app):
    from coop.demo import COOP_SLUG, DEMO_USERS, seed
    from coop.members.models import Member
    from coop.orgs.models import Organization

    seed()
    db.session.commit()
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a server error is one more failure to report, not the end
    walk = Walk(app)

    def record(sender, exception, **extra):
        walk.fail("server", request.full_path, f"{type(exception).__name__}: {exception}")

    got_request_exception.connect(record, app)
    response = app.test_client().get("/favicon.ico")
    if response.status_code != 200 or response.mimetype not in ("image/vnd.microsoft.icon", "image/x-icon"):
        walk.fail("anyone", "/favicon.ico", f"answers {response.status_code} {response.mimetype}")
    response.close()

    kinds = dict(db.session.execute(select(Organization.slug, Organization.kind)).all())
    for slug, kind in kinds.items():
        members = db.session.execute(select(Member).join(Organization, Organization.id == Member.org_id)
                                     .where(Organization.slug == slug, Member.status == "active")
                                     .order_by(Member.number)).scalars().all()
        if members:  # a picker is tried with a number and with part of a name, as an officer types them
            walk.member_texts[slug] = (str(members[-1].number), members[0].name.split()[-1])
            first = min((m.admitted_on for m in members if m.admitted_on), default=date.today())
            walk.admitted[slug] = (first - timedelta(days=1)).isoformat()
    # Nobody signed in: the sign-in page and the cooperative's public application form (its address is given out
    # on posters, not linked from inside).
    for begin in ("/login", f"/o/{COOP_SLUG}/apply"):
        walk.walk_role(None, None, "anonymous", COOP_SLUG, begin=begin)
    for username, password, _name, role, slug in DEMO_USERS:
        walk.walk_role(username, password, role, slug)
        walk.check_coverage(f"{role}@{slug}", role, kinds[slug])
    covered = {endpoint.split(".")[0] for reached in walk.reached.values() for endpoint in reached}
    for domain in ("savings", "cases", "groups", "yearend", "approvals", "reports", "interchange", "members", "loans",
                   "grants", "wellness", "inventory", "consignment", "ledger"):
        if domain not in covered:
            walk.fail("everyone", domain, "no page of this package was reached by any role")
    walk.post_bad()

    # Second pass: the pages that exist once an officer has imported, uploaded a statement and closed a year.
    places, holder = prepare_more_pages(app, walk, COOP_SLUG)
    for begin, within, roles in places:
        for username, password, _name, role, slug in DEMO_USERS:
            if slug == COOP_SLUG and role in roles:
                walk.walk_role(username, password, role, slug, begin=begin, within=within)
    walk.walk_role(*holder, "member", COOP_SLUG)  # her payment slip, from her own page
    walk.post_bad()

    # Every page a route exists for was reached by someone, or is excused above with its reason.
    reached = set().union(*walk.reached.values())
    unvisited = sorted({rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods
                        and not rule.rule.startswith(API_PREFIX) and rule.endpoint not in EXCUSED} - reached)
    if unvisited:
        print("GET routes no role reached:", *unvisited, sep="\n  ")
    for endpoint in unvisited:
        walk.fail("nobody", endpoint, "a page a route exists for, never reached by following links (nor excused)")
    import os
    if os.environ.get("COOP_WALK_REPORT"):  # what the walk reached, for a person checking its coverage
        with open(os.environ["COOP_WALK_REPORT"], "w") as out:
            for who, seen in sorted(walk.reached.items()):
                out.write(f"{who}: {len(seen)} pages: {' '.join(sorted(seen))}\n")
            out.write("unvisited: " + " ".join(unvisited) + "\n")
    failures = sorted(set(walk.failures))
    assert not failures, f"{len(failures)} problems over {walk.pages} requests:\n" + "\n".join(failures)
