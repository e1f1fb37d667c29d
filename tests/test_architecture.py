"""The rules of the house (docs/house.md), read from the source: every module of coop/ is parsed
with `ast`, nothing is imported, so a broken rule is found even where no test runs the code.

1. No import cycle between modules of coop (module-level imports; `if TYPE_CHECKING:` aside).
2. A business domain imports another domain's services (and public helpers such as
   `coop.inventory.pos`), never its `models`, `views` or `api`.
3. The ledger imports nothing outward: its core (everything but its edge, `views`, `api` and
   `manifest`) reaches only the ledger itself, the kernel and the audit trail, directly or through
   what it imports, and imports no Flask itself.
4. Models and services import no edge: no `views` or `api` module, nothing of coop.web, coop.api
   or coop.cli.
5. A function-local import of a coop module is allowed only where `LOCAL_IMPORTS` says why.
6. A refusal is raised with constant English text (coop.errors says it in the reader's language when it is
   shown: a page in Filipino, an API call with Accept-Language: fil, a run read later): the first argument of
   every domain error (every subclass of CoopError found in the source) and of every `Sentence` is a string
   literal, what varies goes into `values=` as typed values (`Pesos`, dates, `Words`, `Status`), and nothing in
   the call translates or formats before the raise (gettext, php_text, isoformat, f-strings, `%`, `.format`).
   A refusal handed on (a check's Sentence, a caught refusal) is allowed only where `PASSED_ON` says why.

Each test lists every violation it finds, as file:line, in one message.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COOP = ROOT / "coop"

# The business domains: each is a package coop/<name>/ with its models, services, views, api.
DOMAINS = ("members", "inventory", "loans", "consignment", "grants", "groups", "wellness", "savings", "cases", "yearend")
# What a domain must not import from another domain (a module or a package of that name).
PRIVATE = ("models", "views", "api")

# What the ledger's core may reach, directly or through the modules it imports.
LEDGER_EDGE = {"coop.ledger.views", "coop.ledger.api", "coop.ledger.manifest"}
KERNEL = {"coop", "coop.extensions", "coop.errors", "coop.money", "coop.timeutil", "coop.kernel"}
LEDGER_MAY_ALSO_REACH = {
    # The trail of postings, closes and reopens is written in the posting transaction; audit itself
    # reaches only coop.extensions and coop.timeutil (checked with the rest).
    "coop.audit": "the audit trail, written in the posting transaction",
    "coop.audit.services": "the audit trail, written in the posting transaction",
    "coop.audit.models": "the audit trail, written in the posting transaction",
    # The posting window (`ledger.future_days`) is an organization's policy value, read from its row;
    # orgs.models reaches only coop.extensions and coop.timeutil.
    "coop.orgs": "the organization's policy value ledger.future_days, read when an entry is dated ahead",
    "coop.orgs.models": "the organization's policy value ledger.future_days, read when an entry is dated ahead",
}
# A package's edge: what no model or service may import (nor coop.web, coop.api, coop.cli).
EDGE_MODULES = ("views", "api")
WEB_FRAMEWORK = ("flask", "flask_login", "flask_babel", "flask_wtf", "werkzeug")

# Function-local imports of coop modules: (module, function, imported module) -> why it is local.
# The function is its qualified name inside the module ("register.load_user" for a nested one).
LOCAL_IMPORTS: dict[tuple[str, str, str], str] = {
    # --- kept -------------------------------------------------------------------------------
    ("coop", "create_app", "coop.cli"): "coop.cli imports create_app from coop for `main`: a cycle at the top",
    ("coop.receipts.services", "issue", "coop.messaging.sms"): "messaging.sms reads members' shares, which issue "
                                                                "receipts: a cycle at the top",
    ("coop.ledger.bulk", "_Context.__init__", "coop.ledger.services"): "ledger.services re-exports the bulk path "
                                                                        "at its foot: a cycle at the top",
}


# ------------------------------------------------------------------------------------------------
# Reading the source


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    path: str  # its file, relative to the repository
    line: int
    target: str  # the imported coop module (or any module, for third-party checks)
    function: str | None  # qualified name of the enclosing function; None at module level
    type_checking: bool  # under `if TYPE_CHECKING:`

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@lru_cache(maxsize=1)
def _sources() -> dict[str, Path]:
    """Every module of coop/ by dotted name. Migrations are scripts Alembic loads, not modules of coop."""
    return {_module_name(path): path for path in sorted(COOP.rglob("*.py"))
            if "migrations" not in path.relative_to(COOP).parts}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, path: Path, known: dict[str, Path]):
        self.module = module
        self.path = str(path.relative_to(ROOT))
        self.known = known
        self.package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        self.scope: list[str] = []  # enclosing classes and functions
        self.functions = 0  # how many of them are functions
        self.type_checking = 0
        self.found: list[Import] = []

    def _add(self, node: ast.AST, target: str) -> None:
        function = ".".join(self.scope) if self.functions else None
        self.found.append(Import(self.module, self.path, node.lineno, target, function, self.type_checking > 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".")
            base = base[:len(base) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        submodules = [f"{source}.{alias.name}" for alias in node.names if f"{source}.{alias.name}" in self.known]
        if not submodules:  # `from x import name`; for `from x import sub` the graph adds x as sub's package
            self._add(node, source)
        for submodule in submodules:
            self._add(node, submodule)

    def _scoped(self, node, is_function: bool) -> None:
        self.scope.append(node.name)
        self.functions += is_function
        self.generic_visit(node)
        self.functions -= is_function
        self.scope.pop()

    def visit_FunctionDef(self, node) -> None:
        self._scoped(node, True)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node) -> None:
        self._scoped(node, False)

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            self.type_checking += 1
            for child in node.body:
                self.visit(child)
            self.type_checking -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)


@lru_cache(maxsize=1)
def _imports() -> tuple[Import, ...]:
    known = _sources()
    found: list[Import] = []
    for module, path in known.items():
        collector = _Collector(module, path, known)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        found.extend(collector.found)
    return tuple(found)


def _coop(target: str) -> bool:
    return target == "coop" or target.startswith("coop.")


def _ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@lru_cache(maxsize=1)
def _graph() -> dict[str, dict[str, Import]]:
    """Module -> {module it makes Python import at import time -> the import statement}.

    Importing a.b.c runs the packages a and a.b first: those count too, except the importer's own
    packages, which are already being imported when it runs. A name imported from one of its own
    packages (`from .. import create_app`) counts: that package must have finished first.
    """
    known = _sources()
    graph: dict[str, dict[str, Import]] = {module: {} for module in known}
    for imp in _imports():
        if imp.function is not None or imp.type_checking or not _coop(imp.target):
            continue
        own = set(_ancestors(imp.module))
        targets = [imp.target] + [package for package in _ancestors(imp.target) if package not in own]
        for target in targets:
            if target in known and target != imp.module:
                graph[imp.module].setdefault(target, imp)
    return graph


def _fail_if(title: str, problems: list[str]) -> None:
    """One failure listing every problem found, not only the first."""
    if problems:
        pytest.fail(f"{title} ({len(problems)}):\n  " + "\n  ".join(problems), pytrace=False)


# ------------------------------------------------------------------------------------------------
# The rules


def _cycles(graph: dict[str, dict[str, Import]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def test_no_import_cycle():
    graph = _graph()
    problems = []
    for component in _cycles(graph):
        inside = set(component)
        edges = [f"{imp.where}  {module} -> {target}" for module in component
                 for target, imp in sorted(graph[module].items()) if target in inside]
        problems.append("cycle " + " / ".join(component) + ":\n    " + "\n    ".join(edges))
    _fail_if("import cycles between modules of coop", problems)


def _domain_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "coop" and parts[1] in DOMAINS else None


def test_a_domain_imports_only_the_services_of_another():
    problems = []
    for imp in _imports():
        mine, theirs = _domain_of(imp.module), _domain_of(imp.target)
        if mine is None or theirs is None or mine == theirs:
            continue
        parts = imp.target.split(".")
        if len(parts) > 2 and parts[2] in PRIVATE:
            problems.append(f"{imp.where}  {imp.module} imports {imp.target}")
    _fail_if("a domain importing another domain's models, views or api", problems)


def _ledger_core(module: str) -> bool:
    return (module == "coop.ledger" or module.startswith("coop.ledger.")) and module not in LEDGER_EDGE


def test_the_ledger_imports_nothing_outward():
    graph = _graph()
    allowed = KERNEL | set(LEDGER_MAY_ALSO_REACH)
    problems = []
    seen: set[str] = set()
    todo = [module for module in graph if _ledger_core(module)]
    while todo:  # everything the ledger's core makes Python import, and what that imports in turn
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for target, imp in sorted(graph[module].items()):
            if _ledger_core(target) or target in allowed:
                todo.append(target)
            else:
                problems.append(f"{imp.where}  {module} imports {imp.target}")
    for imp in _imports():
        if _ledger_core(imp.module) and _coop(imp.target) and imp.function is not None \
                and not (_ledger_core(imp.target) or imp.target in allowed):
            problems.append(f"{imp.where}  {imp.module}.{imp.function} imports {imp.target}")
        if _ledger_core(imp.module) and imp.target.split(".")[0] in WEB_FRAMEWORK:
            problems.append(f"{imp.where}  {imp.module} imports {imp.target} (the ledger's core imports no Flask)")
    _fail_if("the ledger reaching outward", sorted(set(problems)))


def _core(module: str) -> bool:
    """Models and services (a services package too): below every edge."""
    parts = module.split(".")
    return parts[-1] in ("models", "services") or "services" in parts[:-1] or "models" in parts[:-1]


def _edge(target: str) -> bool:
    parts = target.split(".")
    return parts[-1] in EDGE_MODULES or parts[:2] in (["coop", "web"], ["coop", "api"]) or target == "coop.cli" \
        or target.startswith("coop.cli.")


def test_models_and_services_import_no_edge():
    problems = [f"{imp.where}  {imp.module} imports {imp.target}" for imp in _imports()
                if _core(imp.module) and _coop(imp.target) and _edge(imp.target)]
    _fail_if("models or services importing views, api, web or cli", problems)


def _local_imports() -> dict[tuple[str, str, str], list[Import]]:
    found: dict[tuple[str, str, str], list[Import]] = {}
    for imp in _imports():
        if imp.function is not None and _coop(imp.target):
            found.setdefault((imp.module, imp.function, imp.target), []).append(imp)
    return found


def test_function_local_imports_only_where_the_allow_list_says_why():
    problems = [f"{imp.where}  {key}" for key, imps in sorted(_local_imports().items()) if key not in LOCAL_IMPORTS
                for imp in imps]
    _fail_if(
        "function-local imports of coop modules not in LOCAL_IMPORTS (move them to the top of the module, or add "
        "(module, function, imported module): reason)", problems)


def test_the_allow_list_names_only_imports_that_exist():
    stale = sorted(set(LOCAL_IMPORTS) - set(_local_imports()))
    _fail_if("LOCAL_IMPORTS entries with no such import any more: remove them", [str(k) for k in stale])


def test_every_allowed_local_import_says_why():
    unexplained = sorted(str(key) for key, reason in LOCAL_IMPORTS.items() if not reason.strip())
    _fail_if("LOCAL_IMPORTS entries without a reason", unexplained)


# ------------------------------------------------------------------------------------------------
# 6. Refusals raised untranslated, said in the reader's language when shown

# (module, enclosing function, source of the first argument) -> why it is not a literal
PASSED_ON: dict[tuple[str, str, str], str] = {
    ("coop.yearclosing", "check_two_people", "message"): "a Words constant of the year closing's caller",
    ("coop.kernel", "get_in_org", "message"): "the caller's literal (extracted by the keyword get_in_org:4)",
    ("coop.auth.api", "issue_token", "attempt.refusal"): "a login refusal, a Words constant of auth.services",
    ("coop.auth.services", "TooManyAttempts.__init__", "message"): "its callers' literal, TooManyAttempts is a "
                                                                      "keyword of the extraction",
    ("coop.approvals.services", "NotTheChecker.__init__", "self.MESSAGE"): "a Words constant of the class",
    ("coop.approvals.services", "approve", "error.sentence"): "the command's own refusal, template and values",
    ("coop.grants.services.releases", "request_release", "blocker"): "release_blocker's Sentence",
    ("coop.grants.services.releases", "execute_release", "blocker"): "release_blocker's Sentence",
    ("coop.loans.services.opening", "open_running_loan", "problem"): "check_opening_schedule's Sentence",
    ("coop.interchange.imports", "_ledger_rows", "_outcome_of(refused.summary, Outcome())"): "ImportProblems says "
                                                                                         "its own text",
    ("coop.interchange.imports", "_finish", "outcome"): "ImportProblems says its own text",
    ("coop.ledger.bulk", "import_entries", "summary"): "ImportRefused says its own text",
    ("coop.ledger.services", "check_entry", "problems[0].message"): "a posting check's Sentence",
    ("coop.cases.services.base", "case_for", "HIDDEN"): "a Words constant of the module",
    ("coop.cases.services.subject", "her_rows", "HIDDEN"): "a Words constant of cases.services.base",
}
# What translates or formats: called inside a refusal, it fixes the words or the figures in one language.
SAYERS = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "translated", "php_text", "pesos", "format_money",
          "format_date", "format_datetime", "format_decimal", "isoformat", "strftime", "format"}


@lru_cache(maxsize=1)
def _trees() -> dict[str, ast.Module]:
    return {module: ast.parse(path.read_text(), str(path)) for module, path in _sources().items()}


def _error_classes() -> set[str]:
    """CoopError and every class of coop/ that derives from it, by name."""
    bases: dict[str, set[str]] = {}
    for tree in _trees().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases)
    found = {"CoopError"}
    while True:
        more = {name for name, of in bases.items() if of & found} - found
        if not more:
            return found
        found |= more


def _called(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)


def _calls_in_functions(tree: ast.Module):
    """(qualified enclosing function or class, call) for every call of the module."""
    def walk(node, scope):
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = f"{scope}.{child.name}" if scope else child.name
            if isinstance(child, ast.Call):
                yield scope, child
            yield from walk(child, inner)
    yield from walk(tree, "")


def _said_early(node: ast.AST) -> list[str]:
    """What inside a refusal's arguments translates or formats before it is raised."""
    found = []
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call) and _called(inner) in SAYERS:
            found.append(f"{_called(inner)}()")
        elif isinstance(inner, ast.JoinedStr):
            found.append("an f-string")
        elif isinstance(inner, ast.BinOp) and isinstance(inner.op, (ast.Mod, ast.Add)) and any(
                isinstance(side, (ast.Constant, ast.JoinedStr)) and isinstance(getattr(side, "value", ""), str)
                for side in (inner.left, inner.right)):
            found.append("text joined or formatted with % or +")
    return found


def _refusal_problems(trees: dict[str, ast.Module] | None = None, errors: set[str] | None = None) -> list[str]:
    trees = _trees() if trees is None else trees
    errors = _error_classes() if errors is None else errors
    problems = []
    for module, tree in trees.items():
        if module == "coop.errors":  # the machinery that says them
            continue
        path = module.replace(".", "/") + ".py"
        for scope, call in _calls_in_functions(tree):
            name = _called(call)
            is_super = (name == "__init__" and isinstance(call.func, ast.Attribute)
                        and isinstance(call.func.value, ast.Call) and _called(call.func.value) == "super"
                        and scope.split(".")[0] in errors and scope.split(".")[0] != "CoopError")
            if not (name in errors or name == "Sentence" or is_super) or not call.args:
                continue
            first = call.args[0]
            where = f"{path}:{call.lineno} {name}"
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                if (module, scope, ast.unparse(first)) not in PASSED_ON:
                    problems.append(f"{where}: the text is `{ast.unparse(first)}`, not a literal (in {scope})")
                    continue
            said = [call.args[0], *(k.value for k in call.keywords if k.arg == "values" or name == "Sentence")]
            for what in _said_early(ast.Tuple(elts=said)):
                problems.append(f"{where}: {what} before the raise (give the value typed in values=)")
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                named = set(re.findall(r"%\((\w+)\)s", first.value))
                given = next((k.value for k in call.keywords if k.arg == "values"), None)
                if name == "Sentence":
                    keys = {k.arg for k in call.keywords}
                elif isinstance(given, ast.Dict) and all(isinstance(k, ast.Constant) for k in given.keys):
                    keys = {k.value for k in given.keys}
                else:
                    keys = named if given is not None else set()
                if named != keys:
                    problems.append(f"{where}: placeholders {sorted(named)} but values {sorted(keys)}")
    return problems


def test_refusals_are_raised_untranslated_with_their_values_apart():
    _fail_if("Refusals translated or formatted before they are raised (coop.errors says them when shown)",
             _refusal_problems())


def test_every_passed_on_refusal_still_exists():
    seen = set()
    for module, tree in _trees().items():
        for scope, call in _calls_in_functions(tree):
            if call.args:
                seen.add((module, scope, ast.unparse(call.args[0])))
    assert set(PASSED_ON) <= seen, sorted(set(PASSED_ON) - seen)


def test_the_refusal_check_finds_a_refusal_translated_at_raise_time():
    """The check itself: a refusal as a domain once wrote it is found."""
    bad = ast.parse('''
def pay(amount, day):
    raise Invalid(_("That is more than %(amount)s.", amount=php_text(amount)), field="amount")
def later(day):
    raise Invalid("Not before %(day)s.", values={"day": day.isoformat()})
def missing(day):
    raise Invalid("Not before %(day)s.")
''')
    found = _refusal_problems({"coop.example": bad}, {"CoopError", "Invalid"})
    assert len(found) == 3 and "not a literal" in found[0] and "isoformat()" in found[1] and "placeholders" in found[2]


# ------------------------------------------------------------------------------------------------
# 7. A message's id is a literal: the catalogue holds the text the code asks it for

# gettext and its siblings, as coop calls them (scripts/translations extracts these names)
GETTEXTS = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext", "npgettext"}
TEMPLATES = COOP / "templates"


def _formed(node) -> str | None:
    """How a msgid was built at run time, when it was: an f-string, % or .format(), or text joined with +."""
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return "text formatted with %"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return "text joined with +"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
        return f"text built with .{node.func.attr}()"
    return None


def _msgid_problems(trees: dict[str, ast.Module] | None = None) -> list[str]:
    """Calls of gettext whose message id is built at run time: extraction cannot see it and the lookup misses
    (the values go in as keywords, `_("Saved %(name)s.", name=...)`, or into a Sentence)."""
    problems = []
    for module, tree in (_trees() if trees is None else trees).items():
        path = module.replace(".", "/") + ".py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) in GETTEXTS and (
                    isinstance(node.func, ast.Name) or _called(node) != "_"):  # flask_babel.gettext(...) too
                ids = node.args[:2] if _called(node) in ("ngettext", "lazy_ngettext") else node.args[:1]
                for arg in ids:
                    how = _formed(arg)
                    if how:
                        problems.append(f"{path}:{node.lineno} {_called(node)}(): the message id is {how}: "
                                        f"`{ast.unparse(arg)[:80]}`")
    return problems


def _template_msgid_problems(sources: dict[str, str] | None = None) -> list[str]:
    """The same in the templates: `_('Saved ' ~ name)`, `_('%s' % x)` or `_(text|format(...))`."""
    from jinja2 import Environment, nodes

    env = Environment(extensions=["jinja2.ext.i18n"])
    if sources is None:
        sources = {str(path.relative_to(COOP.parent)): path.read_text() for path in sorted(TEMPLATES.rglob("*.html"))}
    problems = []
    for name, source in sources.items():
        for call in env.parse(source).find_all(nodes.Call):
            if not (isinstance(call.node, nodes.Name) and call.node.name in GETTEXTS):
                continue
            ids = call.args[:2] if call.node.name in ("ngettext", "lazy_ngettext") else call.args[:1]
            for arg in ids:
                if not isinstance(arg, nodes.Const) or not isinstance(arg.value, str):
                    problems.append(f"{name}:{call.lineno} {call.node.name}(): the message id is "
                                    f"{type(arg).__name__}, not a literal")
    return problems


def test_message_ids_are_literals():
    _fail_if("gettext called with a message id built at run time (f-string, %, .format(), +): give the literal "
             "and its values apart", _msgid_problems() + _template_msgid_problems())


def test_the_msgid_check_finds_each_way_of_building_one():
    """The check itself: each way a message id was once built is found, a literal with its values is not."""
    bad = ast.parse('''
def said(name, n):
    a = _(f"Saved {name}.")
    b = gettext("Saved %s." % name)
    c = _l("Saved {}.".format(name))
    d = lazy_gettext("Saved " + name)
    e = ngettext("one", "%d loans" % n, n)
    f = flask_babel.gettext("Hello, " + name)
    ok = _("Saved %(name)s.", name=name) + gettext("Two " "parts.") + gettext(name)
''')
    found = _msgid_problems({"coop.example": bad})
    assert [p.split()[1] for p in found] == ["_():", "gettext():", "_l():", "lazy_gettext():", "ngettext():",
                                             "gettext():"], found
    templates = _template_msgid_problems({"t.html": "{{ _('Saved ' ~ name) }}{{ _('%s' % x) }}{{ _('Fine %(n)s', n=1) }}"})
    assert len(templates) == 2, templates
