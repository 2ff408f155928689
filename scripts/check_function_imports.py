"""Fails when a module of the application imports inside a function or method.

Imports belong at the top of the module, where the import linter (pyproject.toml) sees
them and a reader finds them. The exceptions are Django's own pattern and optional
packages, and they are listed here:

* ``AppConfig.ready()`` in ``apps.py`` connects receivers, which needs the app registry;
* ``wsgi.py``/``asgi.py`` build the application after the settings are chosen;
* imports under ``if``/``try`` at module level for optional packages (python-ldap) are
  not inside a function and pass anyway.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "willkommen"
ALLOWED_FILES = {"apps.py", "wsgi.py", "asgi.py"}


def function_imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    yield inner.lineno


def main() -> int:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts or path.name in ALLOWED_FILES:
            continue
        found += [f"{path.relative_to(ROOT.parent)}:{line}" for line in function_imports(path)]
    for where in found:
        print(f"{where}: import inside a function (move it to the top of the module)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
