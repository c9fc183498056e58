"""The generated tables of docs/procedures.md and docs/deadlines.md, written from the declarations themselves.

``python -m caseflow.devtools.docs`` rewrites each ``<!-- generated:NAME -->`` … ``<!-- end generated:NAME -->``
block of the two documents and leaves the prose around them alone; tests/test_docs.py fails when a rule or an
action is missing from them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from caseflow.deadlines.counting import UNIT_LABELS
from caseflow.deadlines.rules import (
    DEFAULT_RULES,
    NOT_STARTED,
    PROCEDURES,
    RULE_ALIASES,
    RULE_VARIANTS,
    Rule,
    dispatch_ids,
)
from caseflow.notices import catalogue
from workflows import PROCEDURES as DECLARATIONS
from workflows.base import State
from workflows.complaint import CHANNELS, KINDS

DOCS = Path(__file__).resolve().parents[2] / "docs"
BINDS = {"office": "本机关", "party": "当事人", "external": "外部机关", "wait": "等待期"}
ROLES = {"applicant": "申请人", "respondent": "被请求人", "officer": "执法人员", "supervisor": "负责人",
         "mediator": "调解员", "system": "系统", "superior": "上级部门", "department": "本部门",
         "department_head": "部门负责人", "superior_department": "上级部门", "panel": "合议组",
         "court_president": "法院院长"}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _amount(rule: Rule) -> str:
    text = f"{'前' if rule.backward else ''}{rule.amount} {UNIT_LABELS[rule.unit]}".strip()
    return f"≥ {text}" if rule.minimum else text


def _extension(rule: Rule) -> str:
    steps = []
    for ext in rule.extensions:
        amount = "合理期限" if ext.amount is None else f"{ext.amount} {UNIT_LABELS[ext.unit]}"
        steps.append(f"+{amount}（{ROLES.get(ext.approver, ext.approver)}）")
    return "，再".join(steps)


def _kinds(rule: Rule) -> str:
    return f"（仅{'、'.join(KINDS[k] for k in rule.kinds)}）" if rule.kinds else ""


def _in_force(rule: Rule) -> str:
    if rule.effective_from is None and rule.effective_to is None:
        return ""
    return f"{rule.effective_from or '…'} 至 {rule.effective_to or '今'}"


def starters() -> dict[str, list[str]]:
    """Rule id → what starts its row on a case: a procedure's creation or actions, a document's delivery, another
    rule's lapse, or an action that starts it in place of the rule it varies."""
    out: dict[str, list[str]] = {}

    def add(ids: Iterable[str], what: str) -> None:
        for rule_id in ids:
            for canonical in dispatch_ids(rule_id):
                out.setdefault(canonical, [])
                if what not in out[canonical]:
                    out[canonical].append(what)

    for code, proc in DECLARATIONS.items():
        add(proc.starts_on_create, f"`{code}` 创建")
        for a in proc.actions:
            add(a.starts, f"`{a.name}`")
    for kind in catalogue.KINDS.values():
        for code in PROCEDURES:
            add(kind.rules_for(code), f"{kind.title}送达")
    for r in DEFAULT_RULES:
        if r.on_lapse:
            add((r.on_lapse,), f"`{r.id}` 届满")
    for rule_id, variants in RULE_VARIANTS.items():
        add(variants, f"代替 `{rule_id}`")
    return out


def rule_tables() -> str:
    """One table per procedure of every rule version: id, period, start, who it binds, basis, extension, in force,
    excluded periods and what starts it."""
    out, by = [], starters()
    for code in PROCEDURES:
        out += [f"### {DECLARATIONS[code].title} (`{code}`)", "",
                "| id | 期限 | 期间 | 起算 | 约束 | 依据 | 可延长 | 施行 | 可中止 | started by |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for r in (r for r in DEFAULT_RULES if r.procedure == code):
            started = "、".join(by.get(r.id, ())) or f"none: {NOT_STARTED.get(r.id, '?')}"
            out.append("| " + " | ".join(_cell(c) for c in (
                f"`{r.id}`", r.label + _kinds(r), _amount(r), r.trigger_label, BINDS[r.binds],
                f"{r.basis} [{r.confidence}]", _extension(r), _in_force(r), "、".join(r.pausable), started)) + " |")
        out.append("")
    out += ["### Other names of rules", "", "| id | means |", "|---|---|"]
    out += [f"| `{alias}` | `{target}` |" for alias, target in RULE_ALIASES.items()]
    return "\n".join(out) + "\n"


def _states(names: tuple[str, ...], code: str) -> str:
    return "、".join(f"`{n}`" for n in names) if len(names) < len(DECLARATIONS[code].open_states) else "任一未结状态"


def _title(state: State) -> str:
    """The state's title, and where a channel's case reads otherwise, that title too."""
    return state.title + "".join(f"（{CHANNELS.get(ch, ch)}：{t}）" for ch, t in state.by_channel.items())


def _on_referral(state: State) -> str:
    if state.on_referral is None:
        return ""
    return " / ".join(f"`{name}`" if name else "—" for name in state.on_referral)


def procedure_tables() -> str:
    """For each procedure: its states, then each action with where it goes, who does it and what it sets off."""
    out = []
    for code, proc in DECLARATIONS.items():
        out += [f"### {proc.title} (`{code}`): states and actions", "",
                "| state | 名称 | terminal | when its referral is sent / not approved |", "|---|---|---|---|"]
        out += [f"| `{name}` | {_title(s)} | {'yes' if s.terminal else ''} | {_on_referral(s)} |"
                for name, s in proc.states.items()]
        out += ["", "| action | 名称 | from → to | who | approval | 结案 | document | deadlines |",
                "|---|---|---|---|---|---|---|---|"]
        for a in proc.actions:
            dest = f"`{a.dest}`" if a.dest else "(no change)"
            deadlines = "; ".join(f"{verb} {', '.join(ids)}" for verb, ids in (
                ("starts", a.starts), ("stops", a.stops), ("pauses", a.pauses), ("resumes", a.resumes),
                ("extends", a.extends), ("cancels", a.cancels)) if ids)
            variant = f" (when {a.when[0]} = {a.when[1]})" if a.when else ""
            out.append("| " + " | ".join(_cell(c) for c in (
                f"`{a.name}`", a.label + variant, f"{_states(a.sources, code)} → {dest}",
                "、".join(ROLES.get(r, r) for r in sorted(a.roles)), ROLES.get(a.approval or "", a.approval or ""),
                "yes" if a.closes else "", a.notice or "", deadlines)) + " |")
        out.append("")
    return "\n".join(out) + "\n"


GENERATED: dict[str, tuple[str, Callable[[], str]]] = {
    "rules": ("deadlines.md", rule_tables),
    "procedures": ("procedures.md", procedure_tables),
}


def rewrite(name: str) -> bool:
    """Rewrite one generated block; return True when the document changed."""
    filename, build = GENERATED[name]
    path = DOCS / filename
    text = path.read_text(encoding="utf-8")
    block = re.compile(rf"(<!-- generated:{name} -->\n).*?(<!-- end generated:{name} -->)", re.DOTALL)
    if not block.search(text):
        raise SystemExit(f"{path}: no generated:{name} block")
    new = block.sub(lambda m: m.group(1) + build() + m.group(2), text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    changed = [name for name in GENERATED if rewrite(name)]
    sys.stdout.write(f"rewritten: {', '.join(changed) or 'nothing'}\n")
