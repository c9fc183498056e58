"""The repository documents itself: docs/ lists every deadline rule and every action, and nothing points to a
design or legal document outside the repository."""

import re
import subprocess
from pathlib import Path

from caseflow.deadlines.rules import DEFAULT_RULES, RULE_ALIASES
from workflows import PROCEDURES

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "run `.venv/bin/python -m caseflow.devtools.docs` to rewrite the generated tables"


def test_deadlines_doc_lists_every_rule():
    text = (ROOT / "docs" / "deadlines.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", text, re.MULTILINE))
    missing = sorted({r.id for r in DEFAULT_RULES} - listed)
    assert not missing, f"docs/deadlines.md lacks {missing}: {REGENERATE}"
    unknown_aliases = sorted(set(RULE_ALIASES) - listed)
    assert not unknown_aliases, f"docs/deadlines.md lacks {unknown_aliases}: {REGENERATE}"
    stale = sorted(listed - {r.id for r in DEFAULT_RULES} - set(RULE_ALIASES))
    assert not stale, f"docs/deadlines.md lists rules that no longer exist {stale}: {REGENERATE}"


def test_every_rule_is_started_by_a_step_or_says_why_not():
    """A rule nothing starts would sit in the rule table as if the office were timed by it."""
    from caseflow.deadlines.rules import NOT_STARTED
    from caseflow.devtools.docs import starters

    started = set(starters())
    silent = sorted({r.id for r in DEFAULT_RULES} - started - set(NOT_STARTED))
    assert not silent, f"no step starts {silent}: start them, or say why in rules.NOT_STARTED"
    stale = sorted(set(NOT_STARTED) & started)
    assert not stale, f"rules.NOT_STARTED lists rules that a step starts: {stale}"


def test_procedures_doc_lists_every_action():
    text = (ROOT / "docs" / "procedures.md").read_text(encoding="utf-8")
    for code, proc in PROCEDURES.items():
        section = text.split(f"(`{code}`): states and actions", 1)
        assert len(section) == 2, f"docs/procedures.md has no table of {code}: {REGENERATE}"
        table = section[1].split("\n### ", 1)[0]
        missing = [a for a in proc.action_names() if f"| `{a}` |" not in table]
        missing += [s for s in proc.states if f"| `{s}` |" not in table]
        assert not missing, f"docs/procedures.md lacks {code} {missing}: {REGENERATE}"


def test_no_file_points_outside_the_repository():
    # Built from parts so that this file does not name them itself.
    outside = re.compile("|".join(re.escape(n) for n in ("DESIGN" + ".md", "PROCEDURES" + ".md", "CONVENTIONS" + ".md",
                                                         "/work/" + "shared")))
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    found = []
    for name in files.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{name}:{no}" for no, line in enumerate(text.splitlines(), 1) if outside.search(line)]
    assert found == [], "point to docs/ or to the statute instead: " + ", ".join(found)


def test_every_setting_is_in_the_readme_table():
    from dataclasses import fields

    from caseflow.config import Config

    rows = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    missing = [f.name for f in fields(Config) if not any(f"`CASEFLOW_{f.name}`" in row for row in rows)]
    assert missing == [], "add these settings to the README's settings table"


def test_settings_are_read_in_config_only():
    # Every CASEFLOW_* variable (and any other) goes through caseflow/config.py, so the README table is complete.
    found = []
    for path in (ROOT / "caseflow").rglob("*.py"):
        rel = str(path.relative_to(ROOT))
        if rel == "caseflow/config.py":
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"os\.environ|os\.getenv|getenv\(", line):
                found.append(f"{rel}:{no}")
    assert found == []
