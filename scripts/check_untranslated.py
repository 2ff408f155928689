#!/usr/bin/env python
"""Finds client-facing text that is not marked for translation, without running anything.

Clients read the site in seven languages; a sentence typed straight into a template or a
view reaches an Arabic or Ukrainian reader in English, and no catalogue check notices,
because the string was never extracted. This script reads the sources instead:

- **Templates**: every text node and every visible attribute (``alt``, ``title``,
  ``aria-label``, ``placeholder``, the ``value`` of an input button) that contains a letter
  and is not inside ``{% translate %}`` / ``{% blocktranslate %}``, a variable, a tag, a
  comment, ``<script>`` or ``<style>``. Text inside an element with a literal ``lang``
  attribute (``<a lang="de">Leichte Sprache</a>``) is deliberately in that language. Also
  string literals in ``default:``/``default_if_none:``/``yesno:`` filters and in ``with``
  arguments, which end up on the page as they are.
- **Python** (``ast``): string literals given to ``messages.*``, ``ValidationError``,
  form fields (``label``, ``help_text``, ``empty_label``, ``error_messages``, choices,
  widget ``placeholder``/``title``/``aria-label``), ``HttpResponse*``, a raised exception,
  or as the label of a ``TextChoices`` member, when not wrapped in ``gettext`` & co.; and
  a declared form field without ``label=`` (Django would make an English one of its name).
  Identifier-like literals (``"slot_taken"``) are machine codes and pass.

Deliberate exceptions go into ``ALLOWED`` (file and text, so that an edit elsewhere in the
file does not invalidate them). Run by ``tests/i18n/test_unmarked_strings.py`` (so by
``make test`` and CI); ``python scripts/check_untranslated.py`` prints the findings.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Templates a client sees: pages, e-mails, the printed referral sheet, the waiting-room
# display. Staff pages are German-first and not part of this check.
CLIENT_TEMPLATES = [
    "willkommen/templates/base.html",
    "willkommen/templates/includes/*.html",
    "willkommen/booking/templates/booking/*.html",
    "willkommen/booking/templates/booking/email/*.html",
    "willkommen/booking/templates/booking/email/*.txt",
    "willkommen/directory/templates/directory/*.html",
    "willkommen/directory/templates/directory/staff/sheet.html",
    "willkommen/directory/templates/directory/staff/_sheet_column.html",
    "willkommen/pages/templates/pages/*.html",
    "willkommen/walkins/templates/walkins/display.html",
    "willkommen/walkins/templates/walkins/display_board.html",
    "willkommen/walkins/templates/walkins/ticket_page.html",
    "willkommen/walkins/templates/walkins/ticket_status.html",
    "willkommen/walkins/templates/walkins/heads_up_email.txt",
]

# Python modules whose strings reach a client (pages, forms, errors, messages, e-mail,
# SMS, status names, the public booking API's errors).
CLIENT_MODULES = [
    "willkommen/forms.py",
    "willkommen/api_errors.py",
    "willkommen/booking/api/*.py",
    "willkommen/booking/captcha.py",
    "willkommen/booking/errors.py",
    "willkommen/booking/forms.py",
    "willkommen/booking/limits.py",
    "willkommen/booking/models.py",
    "willkommen/booking/notifications.py",
    "willkommen/booking/services.py",
    "willkommen/booking/inputs.py",
    "willkommen/booking/bookings.py",
    "willkommen/booking/changes.py",
    "willkommen/booking/holds.py",
    "willkommen/booking/consultation_time.py",
    "willkommen/booking/sms.py",
    "willkommen/booking/tokens.py",
    "willkommen/booking/views/*.py",
    "willkommen/directory/forms.py",
    "willkommen/directory/models.py",
    "willkommen/directory/referrals.py",
    "willkommen/directory/search.py",
    "willkommen/directory/services.py",
    "willkommen/directory/views.py",
    "willkommen/organisations/models.py",
    "willkommen/pages/errors.py",
    "willkommen/pages/views.py",
    "willkommen/walkins/models.py",
    "willkommen/walkins/services.py",
    "willkommen/walkins/heads_up.py",
    "willkommen/walkins/views.py",
]

# Untranslated on purpose: (file, text) or (file, kind of finding) -> why.
ALLOWED: dict[tuple[str, str], str] = {
    ("willkommen/pages/templates/pages/easy_german.html", "Leichte Sprache"): (
        "the page title: Leichte Sprache is German by definition (the body has lang=de)"
    ),
    ("willkommen/organisations/models.py", "FederalState label"): (
        "the German names of the federal states, shown only on staff pages"
    ),
}

LETTER = re.compile(r"[^\W\d_]")
CODE_LIKE = re.compile(r"^[a-z0-9_.:/-]*$")
PLACEHOLDER = "\ue000"
VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
BUTTON_INPUTS = {"submit", "button", "reset"}
INVISIBLE_ELEMENTS = {"script", "style"}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
# Template tags whose whole body is either translated or not output.
OPAQUE_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
}
TEXT_FILTERS = re.compile(r"""\|(default|default_if_none|yesno):(?P<q>["'])(?P<text>.*?)(?P=q)""")
WITH_ARGUMENT = re.compile(r"""\b\w+=(?P<q>["'])(?P<text>.*?)(?P=q)""")


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    text: str
    kind: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.kind}: {self.text!r}"


def has_letter(text: str) -> bool:
    return bool(LETTER.search(text.replace(PLACEHOLDER, "")))


# Templates ---------------------------------------------------------------------------


def _masked_template(source: str) -> tuple[str, list[tuple[int, str, str]]]:
    """The template's HTML with every tag, variable and comment replaced by a placeholder,
    and translated or commented blocks blanked (newlines kept, so line numbers stay right).
    Also returns (line, kind, text) of suspicious literals inside tags and variables."""
    from django.template.base import Lexer, TokenType

    parts: list[str] = []
    literals: list[tuple[int, str, str]] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            text = token.contents
            parts.append(re.sub(r"[^\n]", " ", text) if closing else text)
            continue
        parts.append(PLACEHOLDER)
        if token.token_type == TokenType.COMMENT:
            continue
        contents = token.contents.strip()
        name = contents.split(None, 1)[0] if contents else ""
        if closing:
            if name == closing:
                closing = None
            continue
        if token.token_type == TokenType.BLOCK and name in OPAQUE_BLOCKS:
            closing = OPAQUE_BLOCKS[name]
            continue
        if name == "block" and contents.endswith("class"):  # {% block body_class %}
            closing = "endblock"
            continue
        if token.token_type == TokenType.VAR:
            for match in TEXT_FILTERS.finditer(contents):
                literals.append((token.lineno, f"literal in |{match[1]} filter", match["text"]))
        elif token.token_type == TokenType.BLOCK and " with " in f" {contents} ":
            tail = f" {contents} ".split(" with ", 1)[1]
            for match in WITH_ARGUMENT.finditer(tail):
                literals.append((token.lineno, "literal in a with argument", match["text"]))
    return "".join(parts), literals


class _VisibleText(HTMLParser):
    """Collects (line, kind, text) of text nodes and visible attributes, skipping
    ``<script>``/``<style>`` and elements inside a literal ``lang`` attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = attributes.get("lang") or ""
        literal_lang = bool(lang) and PLACEHOLDER not in lang
        skipped = tag in INVISIBLE_ELEMENTS or literal_lang
        if not self._skipping() and not literal_lang:
            self._attributes(tag, attributes)
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        if not self._skipping():
            self._attributes(tag, dict(attrs))

    def _attributes(self, tag, attributes):
        line = self.getpos()[0]
        for name, value in attributes.items():
            visible = name in VISIBLE_ATTRIBUTES or (
                name == "value"
                and tag == "input"
                and (attributes.get("type") or "").lower() in BUTTON_INPUTS
            )
            if visible and value and has_letter(value):
                self.found.append((line, f"attribute {name}", value))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if self._skipping():
            return
        offset = 0
        for piece in data.split(PLACEHOLDER):
            if has_letter(piece):
                start = offset + len(piece) - len(piece.lstrip())
                line = self.getpos()[0] + data[:start].count("\n")
                self.found.append((line, "text", " ".join(piece.split())))
            offset += len(piece) + len(PLACEHOLDER)


def template_findings(source: str, path: str) -> list[Finding]:
    masked, literals = _masked_template(source)
    parser = _VisibleText()
    parser.feed(masked)
    parser.close()
    found = parser.found + [
        (line, kind, text) for line, kind, text in literals if has_letter(text)
    ]
    return sorted(Finding(path, line, text, kind) for line, kind, text in found)


# Python ------------------------------------------------------------------------------

TRANSLATING_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}
MESSAGE_FUNCTIONS = {"debug", "info", "success", "warning", "error", "add_message"}
FIELD_TEXT_KEYWORDS = {"label", "help_text", "empty_label"}
WIDGET_TEXT_KEYS = {"placeholder", "title", "aria-label"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return _name(node)


def _untranslated(node: ast.AST | None) -> list[tuple[int, str]]:
    """(line, text) of prose literals in ``node`` that no gettext call wraps."""
    if node is None:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        if has_letter(text) and not CODE_LIKE.match(text):
            return [(node.lineno, text)]
        return []
    if isinstance(node, ast.JoinedStr):
        text = "".join(
            value.value if isinstance(value, ast.Constant) else "{…}" for value in node.values
        )
        return [(node.lineno, text)] if has_letter(text.replace("{…}", "")) else []
    if isinstance(node, ast.BinOp):  # "..." % x, "..." + x
        return _untranslated(node.left) + (
            _untranslated(node.right) if isinstance(node.op, ast.Add) else []
        )
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) + _untranslated(node.orelse)
    if isinstance(node, ast.Call):
        if _name(node.func) in TRANSLATING_CALLS:
            return []
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return _untranslated(node.func.value)
        return []
    return []


def _dict_values(node: ast.AST, keys=None) -> list[ast.AST]:
    if not isinstance(node, ast.Dict):
        return []
    return [
        value
        for key, value in zip(node.keys, node.values, strict=True)
        if keys is None or (isinstance(key, ast.Constant) and key.value in keys)
    ]


def _argument(call: ast.Call, position: int, keyword: str) -> ast.AST | None:
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    return call.args[position] if len(call.args) > position else None


class _PythonChecker(ast.NodeVisitor):
    def __init__(self):
        self.found: list[tuple[int, str, str]] = []
        self.raised: set[int] = set()

    def _flag(self, node, kind):
        self.found.extend((line, kind, text) for line, text in _untranslated(node))

    def visit_Raise(self, node):
        if isinstance(node.exc, ast.Call):
            self.raised.add(id(node.exc))
        self.generic_visit(node)

    def visit_Call(self, node):
        name = _name(node.func)
        dotted = _dotted(node.func)
        if dotted.startswith("messages.") and name in MESSAGE_FUNCTIONS:
            position = 2 if name == "add_message" else 1
            self._flag(_argument(node, position, "message"), f"{dotted}()")
        elif name.endswith("ValidationError"):
            self._flag(_argument(node, 0, "message"), "ValidationError()")
        elif name.startswith("HttpResponse") or name == "JsonResponse":
            self._flag(_argument(node, 0, "content"), f"{name}()")
        elif id(node) in self.raised:
            for argument in [*node.args, *(item.value for item in node.keywords)]:
                self._flag(argument, f"raise {name}()")
        if name.endswith("Field"):
            for item in node.keywords:
                if item.arg in FIELD_TEXT_KEYWORDS:
                    self._flag(item.value, f"{name}({item.arg}=)")
                elif item.arg == "error_messages":
                    for value in _dict_values(item.value):
                        self._flag(value, f"{name}(error_messages=)")
        for item in node.keywords:
            if item.arg == "choices" and isinstance(item.value, ast.List | ast.Tuple):
                for choice in item.value.elts:
                    if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                        self._flag(choice.elts[1], "choice label")
            elif item.arg == "attrs":
                for value in _dict_values(item.value, WIDGET_TEXT_KEYS):
                    self._flag(value, "widget attribute")
        self.generic_visit(node)

    def visit_ClassDef(self, node):
        if any(_name(base).endswith("Choices") for base in node.bases):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                    self._flag(statement.value.elts[-1], f"{node.name} label")
        if any(_name(base).endswith("Form") for base in node.bases):
            for statement in node.body:
                self._field_without_label(statement)
        self.generic_visit(node)

    def _field_without_label(self, statement):
        """A declared form field without ``label=`` gets an English label made from its
        name, which the error summary shows ("Form token: This field is required.")."""
        value = getattr(statement, "value", None)
        if not (isinstance(statement, ast.Assign) and isinstance(value, ast.Call)):
            return
        if _name(value.func).endswith("Field") and "label" not in {k.arg for k in value.keywords}:
            name = _name(statement.targets[0])
            self.found.append((statement.lineno, "form field without label=", name))


def python_findings(source: str, path: str) -> list[Finding]:
    checker = _PythonChecker()
    tree = ast.parse(source, filename=path)
    # Raise statements first, so that visit_Call knows which calls are raised.
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            checker.raised.add(id(node.exc))
    checker.visit(tree)
    return sorted(Finding(path, line, text, kind) for line, kind, text in checker.found)


# The whole project ---------------------------------------------------------------------


def _files(patterns: list[str], root: Path) -> list[Path]:
    found = []
    for pattern in patterns:
        matches = sorted(root.glob(pattern))
        if not matches:
            raise FileNotFoundError(f"check_untranslated: nothing matches {pattern}")
        found.extend(matches)
    return found


def project_findings(root: Path = ROOT, allowed=ALLOWED) -> list[Finding]:
    findings = []
    for path in _files(CLIENT_TEMPLATES, root):
        relative = path.relative_to(root).as_posix()
        findings += template_findings(path.read_text(encoding="utf-8"), relative)
    for path in _files(CLIENT_MODULES, root):
        relative = path.relative_to(root).as_posix()
        findings += python_findings(path.read_text(encoding="utf-8"), relative)
    return [
        finding
        for finding in findings
        if (finding.path, finding.text) not in allowed
        and (finding.path, finding.kind) not in allowed
    ]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    findings = project_findings()
    for finding in findings:
        print(finding)
    if findings:
        print(f"check_untranslated: {len(findings)} client-facing string(s) not marked")
        return 1
    print("check_untranslated: every client-facing string is marked for translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
