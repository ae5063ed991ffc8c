"""The API documentation (/api/docs/): Swagger UI served from the installed packages lists
the operations under the site's unchanged Content Security Policy, without the internet."""

import pytest
from django.conf import settings
from django.utils.csp import CSP
from playwright.sync_api import expect

from sagsbro.e2e.conftest import check_page

pytestmark = pytest.mark.e2e

RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_api_docs_list_the_operations_under_the_sites_csp(page, live_server):
    # The policy the test runs under is the site's: own origin, scripts only with a nonce.
    assert settings.SECURE_CSP["script-src"] == [CSP.SELF, CSP.NONCE]
    assert settings.SECURE_CSP["style-src"] == [CSP.SELF]
    console = []
    requests = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("request", lambda request: requests.append(request.url))
    page.add_init_script(RECORD_CSP_VIOLATIONS)

    response = page.goto(live_server.url + "/api/docs/")

    policy = response.headers["content-security-policy"]
    # (Django names the nonce only on pages that use one; this page has no inline script.)
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible()
    paths = operations.all_inner_texts()
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{id}/answer/",
        "/api/v1/documents/",
        "/api/v1/calendar/working-days",
    ):
        assert path in paths, paths
    expect(page.get_by_role("heading", name="sagsbro API")).to_be_visible()

    assert page.evaluate("window.cspViolations") == []
    assert not [line for line in console if "Content Security Policy" in line], console
    # Everything came from the site itself: no CDN.
    outside = [url for url in requests if not url.startswith((live_server.url, "data:"))]
    assert not outside, outside
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in url for url in requests)

    # axe-core on the page, with one rule off: Swagger UI renders each operation as a button
    # holding further controls (nested-interactive); that markup is the package's, not ours.
    # The colour contrast it falls short of is corrected in sagsbro/swagger.css.
    check_page(page, disabled_rules=("nested-interactive",))
