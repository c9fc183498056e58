"""Mechanical rules of the codebase (docs/architecture.md, Conventions of the code): one commit point, one state
writer, no Flask in workflows."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = list((ROOT / "caseflow").rglob("*.py")) + list((ROOT / "workflows").rglob("*.py"))


def offenders(pattern: str, allowed: set[str]) -> list[str]:
    rx = re.compile(pattern)
    found = []
    for path in SOURCES:
        rel = str(path.relative_to(ROOT))
        if rel in allowed:
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if rx.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{rel}:{no}: {line.strip()}")
    return found


def test_commit_only_in_the_db_module_and_cli():
    # Requests commit through caseflow.core.db.transactional; CLI commands call db.commit() once.
    assert offenders(r"session\(?\)?\.commit\(", {"caseflow/core/db.py"}) == []


def test_state_assigned_only_by_the_engine():
    assert offenders(r"\.state\s*=[^=]", {"workflows/engine.py"}) == []


def test_workflows_import_no_flask():
    for path in (ROOT / "workflows").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import flask" not in text.lower() and "from flask" not in text.lower(), path
