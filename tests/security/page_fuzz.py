"""Finds every input a page accepts, for the fuzz test of the pages (test_page_fuzz.py).

Nothing here is a hand-written list of parameters:

* the **URLs** come from the resolver (``tests/staff_urls.walk``), with the sample
  arguments the policy test uses for staff URLs and a few for the public ones;
* the **query parameters and form fields** of a URL are those its view *reads*: a request
  is sent while every read of a ``QueryDict`` (``get``, ``getlist``, ``[]``, ``in``) is
  recorded, then again with the keys found so far filled in, until no new key turns up
  (a form bound to ``request.GET`` reads its fields only once the query is not empty);
* plus the fields of every ``<form>`` and the query parameters of every link on the page,
  which also give the plausible values (options, hidden fields, days in links).

Every request runs in a savepoint that is rolled back, so the examples do not change the
world for each other (and a database error cannot spoil the test's transaction).
"""

import contextlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.db import transaction
from django.http import QueryDict

IGNORED_KEYS = {"csrfmiddlewaretoken"}
MAX_ROUNDS = 4


class ReadRecorder:
    """Records the keys read from any ``QueryDict`` (``request.GET``, ``.POST``, their
    copies, the forms bound to them) while active."""

    def __init__(self):
        self.keys = set()
        self._saved = {}

    def __enter__(self):
        recorder = self
        for name in ("get", "getlist", "__getitem__", "__contains__"):
            original = getattr(QueryDict, name)
            self._saved[name] = original

            def wrapped(self, key, *args, _original=original, **kwargs):
                if isinstance(key, str):
                    recorder.keys.add(key)
                return _original(self, key, *args, **kwargs)

            setattr(QueryDict, name, wrapped)
        return self

    def __exit__(self, *exc):
        for name in self._saved:
            # QueryDict inherits these from MultiValueDict: drop the patch, inherit again.
            delattr(QueryDict, name)


@contextlib.contextmanager
def rolled_back():
    """A savepoint for one request, always rolled back."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def send(client, method, url, params):
    with rolled_back():
        if method == "GET":
            return client.get(url, params)
        return client.post(url, params)


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # name -> [plausible values]


class PageParser(HTMLParser):
    """The forms (action, method, fields with their values) and links of a page."""

    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            self._form = Form(action, (attrs.get("method") or "get").upper())
            self.forms.append(self._form)
        elif tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.page_url, attrs["href"]))
        elif self._form is not None and tag in ("input", "select", "textarea", "button"):
            name = attrs.get("name")
            if not name:
                return
            values = self._form.fields.setdefault(name, [])
            if attrs.get("value") is not None:
                values.append(attrs["value"])
            if tag == "select":
                self._select = values
        elif tag == "option" and self._select is not None and attrs.get("value") is not None:
            self._select.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def page_inputs(url, response):
    """(forms, {path: {name: [values]}} of the links) of an HTML response."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return [], {}
    parser = PageParser(url)
    parser.feed(response.content.decode(errors="replace"))
    linked = {}
    for link in parser.links:
        parts = urlsplit(link)
        if parts.netloc or not parts.query:
            continue
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            linked.setdefault(parts.path, {}).setdefault(name, []).append(value)
    return parser.forms, linked


def discover(client, method, url, known):
    """``known`` (name -> plausible values) grown by the keys the view reads."""
    keys = dict(known)
    for _round in range(MAX_ROUNDS):
        params = {name: (values[0] if values else "1") for name, values in keys.items()}
        with ReadRecorder() as recorder:
            send(client, method, url, params)
        new = recorder.keys - set(keys) - IGNORED_KEYS
        if not new:
            break
        for name in new:
            keys[name] = []
    return {name: values for name, values in keys.items() if name not in IGNORED_KEYS}
