"""The layers of docs/architecture.md hold, and the checks that guard them can fail."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import check_function_imports  # noqa: E402


def lint_imports(cwd):
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def test_the_apps_depend_downwards_only():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("willkommen/scheduling/calendar.py", "from willkommen.booking import models"),
        ("willkommen/clock.py", "from willkommen.accounts import models"),
    ],
)
def test_control_a_wrong_way_import_breaks_a_contract(tmp_path, module, line):
    copy = tmp_path / "project"
    (copy).mkdir()
    (copy / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    subprocess.run(["cp", "-r", str(ROOT / "willkommen"), str(copy)], check=True)
    target = copy / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(copy)
    assert result.returncode != 0
    assert "1 broken" in result.stdout


def test_no_import_inside_a_function():
    assert check_function_imports.main() == 0


def test_control_the_checker_finds_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\n\ndef late():\n    from json import dumps\n    return dumps\n")
    assert list(check_function_imports.function_imports(sample)) == [5]
