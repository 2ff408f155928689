"""Finds key-like literals in the repository's text files (see test_published_keys.py).

Three rules, each wider than any one way a key has been written so far:

* Python: the value of every assignment, keyword argument or dict entry whose name is
  ``SECRET_KEY``, ``CONSULTATION_KEYS`` or ends in ``_KEY``/``_KEYS`` (``GOOD_KEY = …``,
  ``SECRET_KEY="x" + "y" * 4``), with constant string expressions folded;
* other text files (Makefile, shell, docs, CI): ``SECRET_KEY=…`` and
  ``CONSULTATION_KEYS=…`` values, the latter split at commas;
* everywhere: anything shaped like a Fernet key (43 URL-safe base64 characters and ``=``,
  decoding to 32 bytes).

Placeholders and shell or Python expressions (``...``, ``<new>``, ``$(…)``, calls), cache
key names (``a:b:c``) and anything shorter than 20 characters are left out.
"""

import ast
import base64
import binascii
import re
import subprocess
from pathlib import Path

MIN_LENGTH = 20
KEY_NAME = re.compile(r"(?:^|_)(?:SECRET_KEY|KEYS?)$", re.I)
ASSIGNED_IN_TEXT = re.compile(
    r"\b(SECRET_KEY|CONSULTATION_KEYS)\b[\"']?\s*[:=]\s*[\"']?([^\s\"'`\\]+)"
)
FERNET_SHAPE = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{43}=(?![A-Za-z0-9_=\-])")
# In shell and docs: placeholders and expressions, not literals.
PLACEHOLDER = re.compile(r"\.\.\.|…|[<>${}()]")
# In Python: a cache key ("wk:scheduling:config-generation") is named *_KEY too.
CACHE_KEY = re.compile(r"[\w.-]+(?::[\w.-]+)+")
BINARY_SUFFIXES = {".mo", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".gz"}
SKIPPED_PARTS = {".git", ".venv", "var", "node_modules", "__pycache__", ".hypothesis"}


def repository_files(root: Path) -> list[Path]:
    """Tracked and new (not ignored) files; without git, every file but the usual
    generated directories."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode()
        paths = [root / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [
            path
            for path in root.rglob("*")
            if path.is_file() and not SKIPPED_PARTS & set(path.relative_to(root).parts)
        ]
    return [path for path in paths if path.is_file() and path.suffix not in BINARY_SUFFIXES]


def _fold(node):
    """The value of a constant string expression (``"a" + "b" * 3``), else ``None``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mult):
        left, right = _fold(node.left), _fold(node.right)
        if left is None or right is None:
            return None
        try:
            return left + right if isinstance(node.op, ast.Add) else left * right
        except TypeError:
            return None
    if isinstance(node, ast.BoolOp):  # SECRET_KEY = SECRET_KEY or "fallback"
        for value in node.values:
            folded = _fold(value)
            if isinstance(folded, str):
                return folded
    return None


def _named_values(tree):
    """(name, value node) for assignments, keyword arguments and dict entries."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    yield target.id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.value is not None:
                yield node.target.id, node.value
        elif isinstance(node, ast.keyword) and node.arg:
            yield node.arg, node.value
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    yield key.value, value


def _split(name: str, value: str) -> list[str]:
    return value.split(",") if "KEYS" in name.upper() else [value]


def _literal(value, *, python=False) -> bool:
    if not isinstance(value, str) or len(value) < MIN_LENGTH:
        return False
    if any(char.isspace() for char in value) or "..." in value:
        return False
    return not CACHE_KEY.fullmatch(value) if python else not PLACEHOLDER.search(value)


def python_candidates(text: str) -> set[str]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    found = set()
    for name, node in _named_values(tree):
        if KEY_NAME.search(name):
            value = _fold(node)
            if isinstance(value, str):
                found |= {part for part in _split(name, value) if _literal(part, python=True)}
    return found


def text_candidates(text: str) -> set[str]:
    found = set()
    for match in ASSIGNED_IN_TEXT.finditer(text):
        found |= {part for part in _split(match.group(1), match.group(2)) if _literal(part)}
    return found


def fernet_candidates(text: str) -> set[str]:
    found = set()
    for match in FERNET_SHAPE.finditer(text):
        try:
            if len(base64.urlsafe_b64decode(match.group())) == 32:
                found.add(match.group())
        except (binascii.Error, ValueError):
            continue
    return found


def candidates_in(path: Path) -> set[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return set()
    found = fernet_candidates(text) | text_candidates(text)
    if path.suffix == ".py":
        found |= python_candidates(text)
    return found


def key_literals(root: Path) -> dict[str, set[str]]:
    """Every key-like literal of the repository, with the files it appears in."""
    seen: dict[str, set[str]] = {}
    for path in repository_files(root):
        for literal in candidates_in(path):
            seen.setdefault(literal, set()).add(str(path.relative_to(root)))
    return seen
