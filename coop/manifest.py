"""What a package plugs into the application, declared in one place: `coop/<package>/manifest.py`.

Each package listed in `coop.PACKAGES` has a module `manifest` holding one `Manifest`. `create_app`
installs them in that order into a `Plugins` kept on `app.extensions["coop"]`; the shared pages, the
settings page, the job runner, the demo, the point of sale and the good-standing check read them
from there (`plugins()`). Nothing is kept in module globals, so two apps in one process never see
each other's plug-ins, and a reader finds everything a package adds in one file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Mapping

from flask import Flask, current_app

ORG_KINDS = ("cooperative", "ngo")
COOPERATIVE = ("cooperative",)
NGO = ("ngo",)

SETTING_KINDS = ("money", "percent", "number", "bool", "text", "choice")


@dataclass(frozen=True)
class Setting:
    """A policy number: its default lives here, an organization's own value in the database."""

    key: str
    default: object
    description: str  # lazy_gettext
    kind: str | None = None  # inferred from the default when not given
    choices: tuple | None = None
    org_kinds: tuple[str, ...] = ORG_KINDS
    maximum: int | None = None  # numbers: days, months, counts (default 3650); money: centavos

    def __post_init__(self):
        kind = self.kind
        if kind is None:
            kind = "bool" if isinstance(self.default, bool) else "number" if isinstance(self.default, int) else "text"
            object.__setattr__(self, "kind", kind)
        if kind not in SETTING_KINDS:
            raise ValueError(f"setting kind {kind}")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))
        object.__setattr__(self, "org_kinds", tuple(self.org_kinds))


@dataclass(frozen=True)
class NavItem:
    label: str  # already wrapped in lazy_gettext by the package
    endpoint: str
    roles: tuple[str, ...]
    org_kinds: tuple[str, ...] = ORG_KINDS


@dataclass(frozen=True)
class Tile:
    title: str
    value: str
    endpoint: str | None = None
    note: str | None = None
    alert: bool = False  # something stopped that needs an officer: shown first, marked


@dataclass(frozen=True)
class DashboardTiles:
    roles: tuple[str, ...]
    org_kinds: tuple[str, ...]
    build: Callable[[int], list[Tile]]  # org_id -> tiles


@dataclass(frozen=True)
class MemberPageSection:
    """A block on the officers' page of a member (/o/<org>/members/<id>), after her shares: its template gets the
    context that build(org_id, member_id) returns (None: nothing to show). A domain shows what it keeps for her
    (savings accounts, loans) without the members package importing it."""

    template: str
    build: Callable[[int, int], dict | None]
    order: int = 50


@dataclass(frozen=True)
class PortalSection:
    """A block on the member's own page: its template gets the context that build(org_id, member_id) returns."""

    template: str
    build: Callable[[int, int], dict]
    order: int = 50


@dataclass(frozen=True)
class StatementLine:
    on: date
    text: str  # in the reader's language
    amount: int  # signed: + into the balance
    balance: int  # after this line


@dataclass(frozen=True)
class StatementAccount:
    """One account of hers a domain keeps apart from her member party (a savings account): its running balance
    on her plain statement, from that domain's own records."""

    title: str
    opening: int
    lines: tuple[StatementLine, ...]


# (org_id, member_id, start, end) -> her accounts kept by the package, for her statement in plain words
StatementSource = Callable[[int, int, date, date], list[StatementAccount]]


@dataclass(frozen=True)
class DailyJob:
    """run(org_id, day) -> a one-line summary; run once per organization and day, missed days caught up."""

    name: str  # "<package>.<verb>"
    run: Callable[[int, date], str]
    org_kinds: tuple[str, ...] = ORG_KINDS


@dataclass(frozen=True)
class Document:
    """A kind of document a domain posts ledger entries for (the entry's `source`) and where its page is:
    url_for(endpoint, **{arg: source_id}), or url_for(endpoint, **find(org_id, source_id)) when the page
    is its parent's (a share payment is shown on the member's page). The generic ledger links there
    instead of offering to reverse the entry."""

    label: str  # lazy_gettext
    endpoint: str | None = None
    arg: str | None = None
    find: Callable[[int, str], dict] | None = None


@dataclass(frozen=True)
class ReadyMark:
    """A woman certified ready for enterprise (or not yet) by the package that follows her recovery."""

    ready_on: date | None  # None: followed there, not certified yet
    ready_by: int | None  # the social worker's user id
    source: str  # where it is recorded, by number only ("C-0003")


# fn(org_id, beneficiary ids or None for all) -> {beneficiary id: ReadyMark} for the women it follows; a grants
# beneficiary it does not name keeps the grants program's own certification.
ReadinessSource = Callable[[int, "frozenset[int] | None"], dict[int, ReadyMark]]


@dataclass(frozen=True)
class OutcomeScope:
    """What a donor report counts: a period, and optionally one program's women or one donor fund's grants."""

    org_id: int
    start: date
    end: date
    fund_id: int | None = None  # a donor: the grants charged to its fund, the programs it funds
    beneficiary_ids: frozenset[int] | None = None  # the women of the chosen program or cluster; None: everyone
    case_ids: frozenset[int] | None = None  # the same women as cases; None: every case


@dataclass(frozen=True)
class IndicatorValue:
    count: int | None = None
    known: int | None = None  # "12 of 15 known": the women or businesses the count could be known for
    amount: int | None = None  # centavos


@dataclass(frozen=True)
class Indicator:
    """One line of the donor outcome report: counts only, never a name. Any package may add some."""

    key: str  # "<package>.<what>"
    label: str  # lazy_gettext
    compute: Callable[[OutcomeScope], IndicatorValue]
    order: int = 50


@dataclass(frozen=True)
class OutcomeFilter:
    """A cut of the donor outcome report that another package offers (a cluster, a training course): one more
    choice on the report's form, and the cases it keeps; every indicator then counts those women only."""

    key: str  # the query parameter: "<package>_<what>", e.g. "groups_cluster"
    label: str  # lazy_gettext
    options: Callable[[int], list[tuple[int, str]]]  # org_id -> [(id, label)]: names of groups, never of women
    women: Callable[[int, int], frozenset[int]]  # (org_id, the chosen id) -> the grants beneficiary ids it keeps


@dataclass(frozen=True)
class RecordHolder:
    """Who an MOA's money goes to in the books when it is not the woman who signed it: a cluster whose enterprise
    the MOA funds. Its party is the ledger party of the release; `members` are the women of the group."""

    kind: str  # "cluster"
    label: str  # "G-001", never a woman's name
    party_id: int
    members: tuple[int, ...]  # grants beneficiary ids of the women in the group
    endpoint: str  # its page: (endpoint, {"<id_arg>": id})
    args: Mapping[str, int] = field(default_factory=dict)


# fn(org_id, moa_id) -> the group that is the MOA's beneficiary of record, or None (then it is the woman)
RecordHolderSource = Callable[[int, int], "RecordHolder | None"]


@dataclass(frozen=True)
class CatalogueEntry:
    """A partner's training or service in the catalogue used when referring (coop.groups keeps it)."""

    id: int
    kind: str
    title: str
    partner: str
    place: str | None = None
    contact: str | None = None
    active: bool = True


@dataclass(frozen=True)
class ServiceCatalogue:
    """search(org_id, words) -> active entries matching; get(org_id, id) -> one entry (NotFound when none)."""

    search: Callable[[int, str], list[CatalogueEntry]]
    get: Callable[[int, int], CatalogueEntry]


@dataclass(frozen=True)
class CaseContacts:
    """Who looks after a woman and how a staff member is reached (coop.cases), for another package's reminders:
    workers_of(org_id, beneficiary ids) -> {beneficiary id: assigned user ids}; phones(org_id) -> {user id: mobile}."""

    workers_of: Callable[[int, frozenset[int]], dict[int, set[int]]]
    phones: Callable[[int], dict[int, str]]


@dataclass(frozen=True)
class DataSubject:
    """A kind of person whose data coop/privacy exports on request, besides a member (a case's woman...).

    find(org_id, id, actor_id) raises NotFound when there is no such person or the actor may not see her, else
    returns a `SubjectRows`."""

    kind: str  # the URL's word: /o/<org>/privacy/<kind>/<id>/export.json
    find: Callable[[int, int, int | None], "SubjectRows"]


@dataclass(frozen=True)
class SubjectRows:
    label: str  # by number only ("C-0003")
    roots: Mapping[str, frozenset[int]]  # table -> ids of her rows; every row referring to them is hers too
    party_ids: frozenset[int] = frozenset()
    audit_targets: Mapping[str, frozenset[int]] = field(default_factory=dict)  # audit target_type -> ids
    withheld: tuple[str, ...] = ()  # "table.column": kept out (workers' private notes), named in the export


@dataclass(frozen=True)
class Execution:
    """What an approval kind's `execute` (and `on_reject`) is handed: the stored command and who decides.

    `actor_id` is the checker (or the maker when the command ran at once, below the policy amount);
    `on` the decision's date; `note` the checker's words; `idempotency_key` the request's key, if any."""

    org_id: int
    approval_id: int | None
    payload: dict
    maker_id: int | None
    actor_id: int | None
    on: date
    note: str = ""
    idempotency_key: str | None = None


@dataclass(frozen=True)
class ApprovalKind:
    """A command that may wait for a second person (coop.approvals, maker-checker).

    execute(Execution) -> the record it made (its `id` is kept as the approval's result reference);
    it raises a domain error to refuse, which leaves the command pending (a 409, meaning the command
    can never run any more, marks it failed). `roles` may check it (never the maker). With `threshold`
    (a money setting key) `run_or_hold` runs amounts up to the setting at once. `describe(org_id,
    payload)` gives the payload in plain words, [(label, value)], for the inbox; `link(org_id, payload)`
    the subject's page as (endpoint, args) or None; `on_reject(Execution)` lets the domain close its own
    record when the checker turns the command down; `check(org_id, payload, idempotency_key)` refuses a
    command before anything is held (a domain error) and returns the amount the policy compares.
    `amount(payload)`, for a kind whose `execute` makes every check `check` makes: the amount read from the
    payload alone; `run_or_hold` then runs `check` only for a command it holds (one within the policy is
    checked once, by `execute`, instead of twice).
    """

    label: str  # lazy_gettext
    execute: Callable[["Execution"], Any]
    roles: tuple[str, ...] = ("admin", "officer")
    threshold: str | None = None
    describe: Callable[[int, dict], list[tuple[str, str]]] | None = None
    link: Callable[[int, dict], tuple[str, dict] | None] | None = None
    on_reject: Callable[["Execution"], Any] | None = None
    check: Callable[[int, dict, str | None], int | None] | None = None
    amount: Callable[[dict], int] | None = None


# fn(org_id) -> [(account key, balance in the ledger, total of the domain's own records)], one per control account
ControlCheck = Callable[[int], list[tuple[str, int, int]]]
# fn(coop_org_id, ngo_org_id, users by username), called once when the demo is first seeded
DemoSeeder = Callable[[int, int, dict], None]


@dataclass(frozen=True)
class StandingCheck:
    """A part of a member's good standing, read in the one statement `members.standing` sends for all of them.

    `columns()` returns SQL expressions (scalar subqueries) over the bind parameters `org_id`, `member_id` and
    `on`, built once; `reasons(values, on)` gets what they read, in order, and returns why she is not in good
    standing (empty when fine)."""

    columns: Callable[[], tuple]
    reasons: Callable[[tuple, date], list[str]]

# fn(org_id, user_id) -> the ledger parties this user is (her member party, her attendant party...)
PartyResolver = Callable[[int, int], set[int]]


@dataclass(frozen=True)
class Manifest:
    name: str
    blueprints: tuple = ()
    settings: tuple[Setting, ...] = ()
    nav: tuple[NavItem, ...] = ()
    reports: tuple[NavItem, ...] = ()  # links on the reports page
    dashboard: tuple[DashboardTiles, ...] = ()
    portal: tuple[PortalSection, ...] = ()
    member_page: tuple[MemberPageSection, ...] = ()  # blocks on the officers' page of a member
    statement_sources: tuple[StatementSource, ...] = ()  # her accounts kept apart (savings) on her statement
    daily_jobs: tuple[DailyJob, ...] = ()
    demo_seeder: DemoSeeder | None = None
    pos_sources: tuple = ()  # coop.inventory.pos.PosSource: the contract is documented there
    standing_checks: tuple[StandingCheck, ...] = ()
    party_resolvers: tuple[PartyResolver, ...] = ()
    release_kinds: Mapping[str, Callable] = field(default_factory=dict)  # MOA kind -> lines (coop.grants)
    documents: Mapping[str, Document] = field(default_factory=dict)  # ledger entry source -> its document's page
    control_checks: tuple[ControlCheck, ...] = ()  # `coop ledger check`: control accounts against own records
    readiness: tuple[ReadinessSource, ...] = ()  # grants: who certified a beneficiary ready (coop.cases)
    indicators: tuple[Indicator, ...] = ()  # lines of the donor outcome report (coop.cases shows them)
    outcome_filters: tuple[OutcomeFilter, ...] = ()  # more cuts of that report (a cluster, a course)
    record_holders: tuple[RecordHolderSource, ...] = ()  # grants: a group as an MOA's beneficiary of record
    service_catalogues: tuple[ServiceCatalogue, ...] = ()  # cases: the partners' catalogue when referring
    case_contacts: tuple[CaseContacts, ...] = ()  # a woman's case workers and staff phones (coop.cases)
    data_subjects: tuple[DataSubject, ...] = ()  # people coop/privacy exports besides members
    approval_kinds: Mapping[str, ApprovalKind] = field(default_factory=dict)  # "<package>.<verb>" -> maker-checker
    template_filters: Mapping[str, Callable] = field(default_factory=dict)
    template_globals: Mapping[str, Callable] = field(default_factory=dict)
    commands: tuple = ()  # click commands and groups added to `coop`
    setup: Callable[[Flask], None] | None = None  # request hooks and the like that are not plug-ins


@dataclass
class Plugins:
    """The union of the installed manifests, in installation order."""

    settings: dict[str, Setting] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)
    reports: list[NavItem] = field(default_factory=list)
    dashboard: list[DashboardTiles] = field(default_factory=list)
    portal: list[PortalSection] = field(default_factory=list)
    member_page: list[MemberPageSection] = field(default_factory=list)
    statement_sources: list[StatementSource] = field(default_factory=list)
    daily_jobs: list[DailyJob] = field(default_factory=list)
    demo_seeders: list[DemoSeeder] = field(default_factory=list)
    pos_sources: dict[str, Any] = field(default_factory=dict)
    standing_checks: list[StandingCheck] = field(default_factory=list)
    party_resolvers: list[PartyResolver] = field(default_factory=list)
    release_kinds: dict[str, Callable] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    control_checks: list[ControlCheck] = field(default_factory=list)
    readiness: list[ReadinessSource] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    outcome_filters: list[OutcomeFilter] = field(default_factory=list)
    record_holders: list[RecordHolderSource] = field(default_factory=list)
    service_catalogues: list[ServiceCatalogue] = field(default_factory=list)
    case_contacts: list[CaseContacts] = field(default_factory=list)
    data_subjects: dict[str, DataSubject] = field(default_factory=dict)
    approval_kinds: dict[str, ApprovalKind] = field(default_factory=dict)

    def add(self, manifest: Manifest) -> None:
        for setting in manifest.settings:
            _unique(setting.key, self.settings, "setting")
            self.settings[setting.key] = setting
        for job in manifest.daily_jobs:
            _unique(job.name, {j.name for j in self.daily_jobs}, "daily job")
        for source in manifest.pos_sources:
            _unique(source.prefix, self.pos_sources, "point-of-sale prefix")
            self.pos_sources[source.prefix] = source
        for kind in manifest.release_kinds:
            _unique(kind, self.release_kinds, "release kind")
        self.release_kinds.update(manifest.release_kinds)
        for source in manifest.documents:
            _unique(source, self.documents, "document source")
        self.documents.update(manifest.documents)
        self.control_checks.extend(manifest.control_checks)
        self.readiness.extend(manifest.readiness)
        for indicator in manifest.indicators:
            _unique(indicator.key, {i.key for i in self.indicators}, "indicator")
        self.indicators.extend(manifest.indicators)
        self.indicators.sort(key=lambda indicator: indicator.order)
        for cut in manifest.outcome_filters:
            _unique(cut.key, {f.key for f in self.outcome_filters}, "outcome filter")
        self.outcome_filters.extend(manifest.outcome_filters)
        self.record_holders.extend(manifest.record_holders)
        self.service_catalogues.extend(manifest.service_catalogues)
        self.case_contacts.extend(manifest.case_contacts)
        for subject in manifest.data_subjects:
            _unique(subject.kind, self.data_subjects, "data subject")
            self.data_subjects[subject.kind] = subject
        for kind in manifest.approval_kinds:
            _unique(kind, self.approval_kinds, "approval kind")
        self.approval_kinds.update(manifest.approval_kinds)
        self.nav.extend(manifest.nav)
        self.reports.extend(manifest.reports)
        self.dashboard.extend(manifest.dashboard)
        self.portal.extend(manifest.portal)
        self.statement_sources.extend(manifest.statement_sources)
        self.portal.sort(key=lambda section: section.order)
        self.member_page.extend(manifest.member_page)
        self.member_page.sort(key=lambda section: section.order)
        self.daily_jobs.extend(manifest.daily_jobs)
        if manifest.demo_seeder is not None:
            self.demo_seeders.append(manifest.demo_seeder)
        self.standing_checks.extend(manifest.standing_checks)
        self.party_resolvers.extend(manifest.party_resolvers)


def _unique(key, existing, what: str) -> None:
    if key in existing:
        raise ValueError(f"{what} {key!r} is declared twice")


def install(app: Flask, manifest: Manifest) -> None:
    """Add one package to the application: its blueprints, hooks, template helpers, commands and plug-ins."""
    for blueprint in manifest.blueprints:
        app.register_blueprint(blueprint)
    for name, function in manifest.template_filters.items():
        app.add_template_filter(function, name)
    for name, function in manifest.template_globals.items():
        app.add_template_global(function, name)
    for command in manifest.commands:
        app.cli.add_command(command)
    if manifest.setup is not None:
        manifest.setup(app)
    app.extensions.setdefault("coop", Plugins()).add(manifest)


def plugins(app: Flask | None = None) -> Plugins:
    return (app or current_app).extensions["coop"]


def parties_of(org_id: int, user_id: int) -> set[int]:
    """The ledger parties this user is in this organization (empty for staff with no member record)."""
    found: set[int] = set()
    for resolver in plugins().party_resolvers:
        found |= resolver(org_id, user_id)
    return found
