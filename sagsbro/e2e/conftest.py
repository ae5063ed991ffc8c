"""End-to-end tests: a real Chromium against pytest-django's live server.

One browser per test session and a fresh context (Danish locale, 1280×900) per test. Every
page a test loads is checked with axe-core against WCAG 2.0/2.1 A and AA; a serious or
critical violation fails the test. Tests move between pages with `goto`, `follow` and
`press_and_follow`, which check the new page; a page loaded any other way is caught when the
test ends, because the page's load events are counted.
"""

import os

# Playwright's sync API runs an asyncio event loop in this thread. Django refuses ORM calls
# while a loop is running unless told it is safe; here the ORM (fixture data, assertions)
# and the browser never run at the same time.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402
from weakref import WeakKeyDictionary  # noqa: E402

import pytest  # noqa: E402
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import FilePayload, Locator, Page, expect, sync_playwright  # noqa: E402

from sagsbro.conftest import pdf_bytes  # noqa: E402
from sagsbro.documents.rules import CATEGORY_LABELS  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "test-password-1"

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

_AXE = Axe()
_AUDITS: "WeakKeyDictionary[Page, AccessibilityAudit]" = WeakKeyDictionary()
# Moderate and minor findings do not fail a test; they are listed after the run.
_MINOR_FINDINGS: Counter[tuple[str, str, str]] = Counter()


def _describe(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(str(part) for part in node['target'])}")
    return "\n".join(lines)


class AccessibilityAudit:
    """Runs axe-core on the pages one browser page loads."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.loads: list[str] = []
        self.checked = 0
        page.on("load", lambda loaded: self.loads.append(loaded.url))

    def check(self, disabled_rules: tuple[str, ...] = ()) -> None:
        """Check the page now shown; fail on serious or critical violations. A rule is
        disabled only for markup the project does not write (the caller says why)."""
        page = self.page
        page.wait_for_load_state("load")
        options = dict(AXE_OPTIONS)
        if disabled_rules:
            options["rules"] = {rule: {"enabled": False} for rule in disabled_rules}
        # Playwright evaluates the axe script through the DevTools protocol, which the page's
        # Content Security Policy does not govern, so the test context need not bypass it.
        violations = _AXE.run(page, options=options).response["violations"]
        self.checked = len(self.loads)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        for violation in violations:
            if violation not in blocking:
                path = re.sub(r"\d+", "<n>", urlsplit(page.url).path)
                _MINOR_FINDINGS[(violation["id"], violation["impact"], path)] += 1
        if blocking:
            pytest.fail(
                f"axe-core found serious or critical violations on {page.url}:\n"
                + _describe(blocking),
                pytrace=False,
            )

    def unchecked(self) -> list[str]:
        return self.loads[self.checked :]


def check_page(page: Page, disabled_rules: tuple[str, ...] = ()) -> None:
    _AUDITS[page].check(disabled_rules)


def goto(page: Page, live_server, path: str) -> None:
    page.goto(live_server.url + path)
    check_page(page)


def follow(locator: Locator) -> None:
    """Click a link or a submit button that loads a new page, then check that page."""
    page = locator.page
    with page.expect_navigation():
        locator.click()
    check_page(page)


def press_and_follow(page: Page, key: str = "Enter") -> None:
    """Press a key that loads a new page (a focused link or button), then check that page."""
    with page.expect_navigation():
        page.keyboard.press(key)
    check_page(page)


def login(page: Page, live_server, username: str, password: str = PASSWORD) -> None:
    """Log in through the log-in form; ends on the worklist."""
    if not page.url.startswith(live_server.url + "/login/"):
        goto(page, live_server, "/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    follow(page.get_by_role("button", name="Log ind"))
    expect(page.get_by_role("heading", level=1, name="Arbejdsliste")).to_be_visible()


def logout(page: Page) -> None:
    follow(page.get_by_role("button", name="Log af"))
    expect(page.get_by_role("heading", level=1, name="Log ind")).to_be_visible()


def attach_on_page(page: Page, category) -> None:
    """Attach a small PDF of the category with the draft page's "Vedhæft dokument" form."""
    form = page.locator("#dokument-form")
    form.get_by_label("Dokumenttype").select_option(label=CATEGORY_LABELS[category])
    form.get_by_label("Fil").set_input_files(
        files=[
            FilePayload(
                name=f"{category}.pdf",
                mimeType="application/pdf",
                buffer=pdf_bytes(CATEGORY_LABELS[category]),
            )
        ]
    )
    follow(form.get_by_role("button", name="Vedhæft dokument"))
    expect(page.get_by_role("status")).to_contain_text("er vedhæftet")


# --- keyboard ---------------------------------------------------------------------------------

# What the focused element is called and whether its focus can be seen: an outline or a box
# shadow on the element, or for the design system's radios and checkboxes (the input itself
# is visually hidden) on the label's ::before box.
FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const text = node => (node ? node.innerText || node.textContent || "" : "");
  let name = "";
  if (el.getAttribute("aria-labelledby")) {
    name = el.getAttribute("aria-labelledby").split(/\\s+/)
      .map(id => text(document.getElementById(id))).join(" ");
  } else if (el.getAttribute("aria-label")) {
    name = el.getAttribute("aria-label");
  } else if (el.labels && el.labels.length) {
    name = Array.from(el.labels).map(text).join(" ");
  } else {
    name = text(el) || el.value || el.title || "";
  }
  const ring = style => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== "none");
  let visible = ring(getComputedStyle(el));
  const hiddenInput = el.type === "radio" || el.type === "checkbox";
  if (!visible && hiddenInput && el.labels) {
    visible = Array.from(el.labels).some(label => ring(getComputedStyle(label, "::before")));
  }
  const box = el.getBoundingClientRect();
  return {
    name: name.replace(/\\s+/g, " ").trim(),
    tag: el.tagName.toLowerCase(),
    type: el.type || "",
    visible: visible && (hiddenInput || (box.width > 0 && box.height > 0)),
    html: el.outerHTML.slice(0, 160),
  };
}"""


def focused(page: Page) -> dict | None:
    """The focused element (name, tag, type); fails if its focus is not visible."""
    info = page.evaluate(FOCUS_JS)
    assert info is None or info["visible"], f"Focus is not visible on {info['html']}"
    return info


def focused_element(page: Page) -> dict:
    """The focused element, failing when nothing has focus."""
    info = focused(page)
    assert info is not None, "Nothing has focus."
    return info


def tab_to(page: Page, name: str, max_tabs: int = 80, *, backwards: bool = False) -> dict:
    """Press Tab (Shift+Tab when backwards) until the focused element's accessible name is
    `name`, asserting at every stop that focus is visible."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(max_tabs):
        page.keyboard.press(key)
        info = focused(page)
        if info is None:
            continue
        if info["name"] == name:
            return info
        seen.append(info["name"])
    raise AssertionError(f"No element named {name!r} within {max_tabs} tab stops: {seen}")


def screenshot(page: Page, name: str) -> None:
    """A full-page PNG in screenshots/ at the repository root."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture(scope="session")
def e2e_browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(e2e_browser, live_server, transactional_db):
    context = e2e_browser.new_context(
        locale="da-DK", timezone_id="Europe/Copenhagen", viewport=VIEWPORT
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    audit = AccessibilityAudit(page)
    _AUDITS[page] = audit
    try:
        yield page
        if audit.unchecked():
            # The page the test ended on may not have been checked yet: check it now. Any
            # earlier page that was never checked is an error in the test.
            skipped = audit.unchecked()[:-1]
            audit.check()
            assert not skipped, f"Pages loaded without an accessibility check: {skipped}"
    finally:
        context.close()


def pytest_terminal_summary(terminalreporter):
    if not _MINOR_FINDINGS:
        return
    terminalreporter.section("axe-core: moderate and minor findings (not failing)")
    for (rule, impact, path), count in sorted(_MINOR_FINDINGS.items()):
        terminalreporter.write_line(f"{rule} ({impact}) on {path}: {count}×")
