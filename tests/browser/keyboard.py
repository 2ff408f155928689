"""Keyboard-only helpers for the browser tests: move focus with Tab, act with Enter, Space
and the arrow keys, and check at every stop that the focused element shows a visible
focus indicator. Nothing here clicks or fills: ``page.evaluate`` only reads where the focus
is, the way a sighted keyboard user looks at the screen."""

# The element that really has focus, inside a custom element's shadow root too (the ALTCHA
# widget), and whether it shows an outline or a box shadow as its focus indicator.
FOCUS_STATE = """() => {
  let element = document.activeElement;
  while (element && element.shadowRoot && element.shadowRoot.activeElement) {
    element = element.shadowRoot.activeElement;
  }
  if (!element || element === document.body || element === document.documentElement) {
    return null;
  }
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
  const box = element.getBoundingClientRect();
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    text: (element.innerText || element.value || "").trim().slice(0, 80),
    visible: outline || shadow,
    onScreen: box.width > 0 && box.height > 0,
  };
}"""

# Whether the focused element (the light-DOM one) matches a CSS selector.
FOCUS_MATCHES = (
    "(selector) => !!document.activeElement && document.activeElement.matches(selector)"
)


class FocusNotFound(AssertionError):
    pass


def focus_state(page):
    return page.evaluate(FOCUS_STATE)


def assert_focus_visible(page):
    """The focused element has an outline or a box shadow and is rendered (WCAG 2.4.7)."""
    state = focus_state(page)
    assert state is not None, f"focus was lost on {page.url}"
    assert state["visible"], f"no visible focus indicator on {state} at {page.url}"
    assert state["onScreen"], f"focused element is not rendered: {state} at {page.url}"
    return state


def tab_to(page, selector, *, backwards=False, limit=80):
    """Presses Tab (or Shift+Tab) until the focused element matches ``selector``, checking
    the focus indicator at every stop; fails if the element is not reachable."""
    key = "Shift+Tab" if backwards else "Tab"
    visited = []
    for _ in range(limit):
        page.keyboard.press(key)
        if focus_state(page) is None:
            # Tabbing past the last element lands on the browser chrome; keep going.
            continue
        visited.append(assert_focus_visible(page)["text"] or focus_state(page)["tag"])
        if page.evaluate(FOCUS_MATCHES, selector):
            return
    raise FocusNotFound(f"{selector!r} not reachable by {key} on {page.url}; visited {visited}")


def activate(page, selector, key="Enter", **options):
    """Tabs to ``selector`` and presses ``key`` on it."""
    tab_to(page, selector, **options)
    page.keyboard.press(key)


def follow(page, selector, key="Enter", **options):
    """Tabs to a link or submit button and presses ``key``; waits for the next page."""
    tab_to(page, selector, **options)
    with page.expect_navigation():
        page.keyboard.press(key)


def choose_option(page, value, limit=30):
    """On a focused closed ``<select>``: arrow keys until ``value`` is selected."""
    for key in ("ArrowDown", "ArrowUp"):
        for _ in range(limit):
            if page.evaluate("() => document.activeElement.value") == value:
                return
            page.keyboard.press(key)
    assert page.evaluate("() => document.activeElement.value") == value


def type_into(page, selector, text):
    """Tabs to a text field and types into it, as a keyboard user does."""
    tab_to(page, selector)
    page.keyboard.type(text)


def keyboard_login(page, username, password):
    page.goto("/staff/login/")
    type_into(page, "#id_username", username)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_MATCHES, "#id_password")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
