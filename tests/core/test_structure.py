"""The structure the code relies on: what imports what, and how the domains plug into the case services."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest

import workflows
from caseflow.cases import hooks
from tests.conftest import ROOT


def _loaded_after(code: str) -> set[str]:
    """The top-level names of the modules a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=120).stdout
    return set(out.split())


def test_workflows_import_no_flask_sqlalchemy_or_caseflow():
    forbidden = {"flask", "sqlalchemy", "caseflow"}
    loaded = _loaded_after("import workflows")
    assert "workflows.injunction" in loaded
    assert not {m for m in loaded if m.split(".")[0] in forbidden}
    # Nor later, from inside a guard: no import statement anywhere in the package names them.
    for path in (ROOT / "workflows").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.split(".")[0] in forbidden], f"{path.name}:{node.lineno}"


def test_the_running_application_never_loads_the_generator(tmp_path):
    loaded = _loaded_after(f"import os\nos.environ['CASEFLOW_INSTANCE_DIR'] = {str(tmp_path)!r}\n"
                           "from caseflow import create_app\ncreate_app()")
    assert "caseflow.deadlines.lifecycle" in loaded
    assert not {m for m in loaded if m.startswith("caseflow.devtools.generate")}


def test_each_domain_registers_once_per_app(app):
    from caseflow import deadlines

    with pytest.raises(RuntimeError, match="deadlines"):
        deadlines.register(app)
    assert hooks.of(app).domains == ["cases", "deadlines", "notices", "stats", "injunction", "hearings",
                                     "mediation", "referral"]


def test_an_effect_no_domain_registered_stops_the_start():
    registered = hooks.Hooks()
    with pytest.raises(RuntimeError, match=r"adjudication\.set_panel: store_panel"):
        registered.check(workflows.PROCEDURES.values())


def test_two_domains_cannot_claim_one_effect(app):
    from caseflow.cases.effects import EFFECTS

    with pytest.raises(RuntimeError, match="assign_officer"):
        hooks.of(app).add_effects(EFFECTS)


def test_templates_ask_the_policy_instead_of_comparing_roles():
    pattern = re.compile(r"current_user\.(is_staff|role\.value|role\s*(==|!=|in\b|not in\b))")
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "templates").rglob("*.html")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []
