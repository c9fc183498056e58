"""The vocabulary procedures are declared in: states, actions, fields, guards. Pure data, no Flask."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

OPEN = "*"  # an action source meaning: every non-terminal state


@dataclass(frozen=True)
class State:
    title: str
    terminal: bool = False
    #: A state that waits on the referral the case made: the system actions fired when that referral is sent and
    #: when its approval is refused (None: nothing happens on that outcome).
    on_referral: tuple[str | None, str | None] | None = None
    #: The title by the channel the case came by, where it differs: a matter the office found itself (依职权) was not
    #: received (受理) but opened (立案).
    by_channel: Mapping[str, str] = field(default_factory=dict)

    def title_for(self, channel: str | None = None) -> str:
        return self.by_channel.get(channel or "", self.title)

    def title_any(self) -> str:
        """The title of a count over cases of every channel: each variant once (已受理／已立案)."""
        return "／".join(dict.fromkeys((self.title, *self.by_channel.values())))


def Terminal(title: str) -> State:  # noqa: N802 - reads like a declaration
    return State(title, terminal=True)


# ---- field schema: one declaration serves the HTML form and the API's validation ----


@dataclass(frozen=True)
class Field:
    label: str
    required: bool = False
    help: str = ""
    #: Required only for some cases: a predicate of the case (e.g. the 评价报告 for utility models and designs).
    required_if: Callable[[Any], bool] | None = None

    kind = "text"

    def required_for(self, case: Any) -> bool:
        """Whether the field must be filled in for this case."""
        return self.required or (self.required_if is not None and case is not None and bool(self.required_if(case)))


@dataclass(frozen=True)
class Text(Field):
    """Multi-line free text."""

    max_length: int = 5000
    kind = "textarea"


@dataclass(frozen=True)
class Line(Field):
    """Single-line text."""

    max_length: int = 200
    kind = "line"


@dataclass(frozen=True)
class Choice(Field):
    choices: Mapping[str, str] = field(default_factory=dict)  # value -> Chinese title
    kind = "choice"


@dataclass(frozen=True)
class Consent(Choice):
    """A party's explicit consent: a checkbox stating ``choices["yes"]``; recorded as "yes" (the API sends "yes")."""

    kind = "consent"


@dataclass(frozen=True)
class MultiChoice(Field):
    """Several values from a fixed list (e.g. the measures an injunction orders)."""

    choices: Mapping[str, str] = field(default_factory=dict)  # value -> Chinese title
    kind = "choices"


@dataclass(frozen=True)
class Room(Line):
    """One of the office's registered hearing rooms (审理庭), by code; the form offers the rooms by name."""

    kind = "room"


@dataclass(frozen=True)
class Date(Field):
    kind = "date"


@dataclass(frozen=True)
class Integer(Field):
    min_value: int | None = None
    max_value: int | None = None
    kind = "integer"


@dataclass(frozen=True)
class UserRef(Field):
    """A staff username; the choices are the eligible users of the case's office."""

    roles: frozenset[str] = frozenset({"officer", "supervisor"})
    kind = "user"


@dataclass(frozen=True)
class PanelMember(Field):
    """One member of the case's panel (合议组), by username; the choices show their names (a party sees no more)."""

    kind = "panel_member"


@dataclass(frozen=True)
class UserList(Field):
    """Several staff usernames (e.g. a panel)."""

    roles: frozenset[str] = frozenset({"officer", "supervisor"})
    kind = "users"


# ---- guards: pure functions of a context, returning a Chinese reason when the action may not run ----

Guard = Callable[["GuardContext"], str | None]


@dataclass
class GuardContext:
    """What a guard may look at; built by the service from the case and the request."""

    case: Any
    actor: Any
    data: dict
    now: datetime  # aware, from the application's one clock
    today: date  # the Beijing date of `now`
    # Callables supplied by the application so that workflows/ stays free of the database and the calendar.
    deadline_passed: Callable[[str], bool] = lambda rule_prefix: False
    #: (backward rule id, event day) -> the last day a notice may go out before the event, on the office's calendar
    latest_notice_day: Callable[[str, date], date | None] = lambda rule_id, day: None
    #: A named fact about the case the application knows beyond the case itself (e.g. "evidence_count"); None when it
    #: does not (the data generator's light cases): a guard then lets the action through.
    fact: Callable[[str], Any] = lambda name: None
    #: rule prefix -> why the case's period cannot be extended now (no step left, lapsed, none running), or None
    extension_refused: Callable[[str], str | None] = lambda rule_prefix: None
    #: rule prefix -> why a party period whose provisional due date passed may not be treated as run out yet
    #: (the year's holiday schedule is not published and nobody confirmed the date), or None
    lapse_unconfirmed: Callable[[str], str | None] = lambda rule_prefix: None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    """One trigger of a procedure's state machine."""

    name: str
    label: str
    source: str | tuple[str, ...]
    dest: str | None  # None: the action does not change the state
    roles: frozenset[str] | set[str]
    fields: Mapping[str, Field] = field(default_factory=dict)
    guards: tuple[Guard, ...] = ()
    approval: str | None = None  # role that must approve when someone else performs it
    closes: bool = False  # 结案: ends the statutory handling period
    effects: tuple[str, ...] = ()  # names of application effects run after the transition
    notice: str | None = None  # document kind issued (notices domain)
    starts: tuple[str, ...] = ()  # deadline rule ids
    stops: tuple[str, ...] = ()
    pauses: tuple[str, ...] = ()
    resumes: tuple[str, ...] = ()
    extends: tuple[str, ...] = ()
    #: Periods the action makes moot (neither met nor missed), e.g. the enforcement window once a suit is filed.
    cancels: tuple[str, ...] = ()
    #: The kind of excluded period the action's ``pauses`` opens or its ``resumes`` closes (中止, 和解 …): a resume
    #: closes only its own kind, so overlapping excluded periods keep the clock stopped until each ended.
    pause_key: str = ""
    when: tuple[str, str] | None = None  # (field, value): this variant runs when the input chooses it
    #: The input field holding the day the act was done (e.g. a 送达 date): the periods it stops are timed by it.
    done_on: str = ""
    allowed_while_pending: bool = False  # may run while an approval request is pending (withdraw)
    #: A party's act that completes the office's task (the last signature makes an agreement effective and closes
    #: the case): the office's periods it stops are met or missed by it, not cancelled as a party's withdrawal is.
    completes_office_task: bool = False
    #: A sentence shown before an irreversible action; the form then asks for a ticked "我已核对" (no script needed).
    #: Actions that end the case get one by default (see Procedure).
    confirm: str = ""
    help: str = ""

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)


@dataclass
class Procedure:
    """A procedure declared as data: its states and actions."""

    code: str
    title: str
    number_word: str  # type word in case numbers: 投 裁 调 禁 移
    first: str
    states: Mapping[str, State]
    actions: list[Action]
    starts_on_create: tuple[str, ...] = ()
    #: What a new case of this procedure must be (e.g. 行政裁决: a patent-infringement dispute): the filing's fields
    #: → {field: Chinese reason} for each that may not be; creation is refused (422) when any is.
    create_checks: Callable[[Mapping[str, Any]], dict[str, str]] | None = None
    #: Everything a request filed anew (the API's and the portal's filing; not a case continuing another) must
    #: pass, same shape, ``create_checks`` included: ``cases.services.check_new_request`` runs it.
    filing_checks: Callable[[Mapping[str, Any]], dict[str, str]] | None = None

    def __post_init__(self) -> None:
        self.actions = [self._confirmed(self._expand(a)) for a in self.actions]
        for a in self.actions:
            for s in a.sources:
                if s not in self.states:
                    raise ValueError(f"{self.code}.{a.name}: unknown source state {s!r}")
            if a.dest is not None and a.dest not in self.states:
                raise ValueError(f"{self.code}.{a.name}: unknown destination {a.dest!r}")
        if self.first not in self.states:
            raise ValueError(f"{self.code}: unknown first state {self.first!r}")
        # Pages look actions up by name many times (each event of a timeline, each field), and every case page asks
        # which actions its state allows: indexes, not scans (in declaration order).
        self._named: dict[str, list[Action]] = {}
        self._from: dict[str, list[Action]] = {}
        for a in self.actions:
            self._named.setdefault(a.name, []).append(a)
            for s in a.sources:
                self._from.setdefault(s, []).append(a)

    def _expand(self, action: Action) -> Action:
        if OPEN not in action.sources:
            return action
        from dataclasses import replace

        return replace(action, source=tuple(self.open_states))

    def _confirmed(self, action: Action) -> Action:
        """An action that ends the case asks for confirmation, unless it is one outcome of a form (``when``) or a
        party's consent already is the confirmation."""
        if action.confirm or action.when is not None or any(isinstance(f, Consent) for f in action.fields.values()):
            return action
        ends = action.dest is not None and action.dest in self.states and self.states[action.dest].terminal
        if not (action.closes or ends):
            return action
        from dataclasses import replace

        return replace(action, confirm=f"“{action.label}”后本案即告终结，不能撤销。请核对后确认。")

    def confirmation(self, name: str, state: str) -> str:
        """The confirmation the action asks for from ``state`` (any of its variants there may end the case)."""
        return next((a.confirm for a in self.actions_named(name) if state in a.sources and a.confirm), "")

    @property
    def open_states(self) -> list[str]:
        return [name for name, s in self.states.items() if not s.terminal]

    @property
    def terminal_states(self) -> list[str]:
        return [name for name, s in self.states.items() if s.terminal]

    def state_title(self, state: str, channel: str | None = None) -> str:
        """The state's title, for a case that came by ``channel`` when given."""
        s = self.states.get(state)
        return s.title_for(channel) if s else state

    def state_title_any(self, state: str) -> str:
        """The state's title for a count over cases of every channel."""
        s = self.states.get(state)
        return s.title_any() if s else state

    def action_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for a in self.actions:
            seen.setdefault(a.name, None)
        return list(seen)

    def actions_named(self, name: str) -> list[Action]:
        return list(self._named.get(name, ()))

    def actions_from(self, state: str) -> list[Action]:
        """The actions (every variant) that may start in ``state``, in declaration order."""
        return self._from.get(state, [])

    def action(self, name: str) -> Action | None:
        found = self.actions_named(name)
        return found[0] if found else None

    def variant(self, name: str, ctx: GuardContext) -> Action | None:
        """The variant of an action this case takes in its state: the first whose selector guards (which read the
        case only) pass, e.g. 不予立案 without a notice for a matter found ex officio; else the first of the name."""
        found = self.actions_named(name)
        state = getattr(ctx.case, "state", None)
        found = [a for a in found if state in a.sources] or found
        chosen = [a for a in found if all(g(ctx) is None for g in a.guards if getattr(g, "selects", False))]
        return (chosen or found)[0] if found else None

    def closing_actions(self) -> list[str]:
        return [n for n in self.action_names() if any(a.closes for a in self.actions_named(n))]


# ---- common guards ----


def selector(guard: Guard) -> Guard:
    """Mark a guard that only chooses between variants of an action (its reason is not shown on refusal)."""
    guard.selects = True  # type: ignore[attr-defined]
    return guard


def on_input(guard: Guard) -> Guard:
    """Mark a guard about what the action's form must hold (e.g. the 立案 checks): the list of what may be done now,
    asked before any input, does not consult it; running the action does."""
    guard.on_input = True  # type: ignore[attr-defined]
    return guard


def case_data(case) -> dict:
    """What the case's actions recorded (``Case.data``), {} before any."""
    return getattr(case, "data", None) or {}


def deadline_passed(rule_prefix: str, message: str) -> Guard:
    """Refuse until a deadline of the case whose rule id starts with `rule_prefix` has run out."""

    def guard(ctx: GuardContext) -> str | None:
        if ctx.deadline_passed(rule_prefix):
            return None
        return ctx.lapse_unconfirmed(rule_prefix) or message

    return guard


def extendable(rule_prefix: str) -> Guard:
    """Refuse when the case's period cannot be extended now (the rule has no step left, or it already ran out)."""

    def guard(ctx: GuardContext) -> str | None:
        return ctx.extension_refused(rule_prefix)

    return guard


def unoffered(guard: Guard) -> Guard:
    """Mark a guard that refuses an action the office does not offer at all: the action is then left off the list
    of what may not be done now (its reason still answers an attempt)."""
    guard.unoffered = True  # type: ignore[attr-defined]
    return guard


@unoffered
def injunctions_enabled(ctx: GuardContext) -> str | None:
    """先行发布禁令 only where the office runs it (no statute sets its procedure; it ships off): the application
    tells through the ``injunctions_enabled`` fact (None, e.g. the data generator: not asked)."""
    return "本局未开展先行发布禁令工作，不能申请先行禁令" if ctx.fact("injunctions_enabled") is False else None


def came_from(state: str) -> Guard:
    """Only when the case was paused from `state` (used by resume)."""

    def guard(ctx: GuardContext) -> str | None:
        return None if (ctx.case.data or {}).get("paused_from") == state else "案件并非从该状态中止"

    return guard


#: Where a case may be referred from any procedure (docs/procedures.md, referral); enforcement by a court starts from
#: a decision.
REFERRAL_KINDS = {"police": "涉嫌犯罪移送公安机关", "agency": "移送有管辖权的行政机关"}
PARENT_EFFECTS = {"continue": "本案继续办理（不停止已作出的非罚款措施）", "suspend": "本案中止，待移送结果"}


# Every procedure gets these: assignment by a supervisor in any open state, and (except a referral itself) starting
# a referral to the police or another agency while the case goes on or waits (国务院令310 arts 3, 11; 局令81 art. 9).
def common_actions(*, referable: bool = True) -> list[Action]:
    actions = [
        Action("assign", "分配承办人", OPEN, None, roles={"supervisor"},
               fields={"officer": UserRef("承办人", required=True,
                                          roles=frozenset({"officer", "supervisor", "mediator"}))},
               effects=("assign_officer",), allowed_while_pending=True),
    ]
    if referable:
        actions.append(
            Action("start_referral", "发起移送", OPEN, None, roles={"officer"},
                   fields={"kind": Choice("移送类型", required=True, choices=REFERRAL_KINDS),
                           "target": Line("接收机关", required=True),
                           "reason": Text("移送理由（涉嫌犯罪的事实，或不属于本部门管辖的理由）", required=True),
                           "parent_effect": Choice("移送期间本案", required=True, choices=PARENT_EFFECTS)},
                   effects=("start_referral",),
                   help="另立移送案件办理，本案按所选继续办理或者中止；公安移送须由两名以上执法人员组成专案组并提交书面报告，报负责人批准"))
    return actions
