"""The site in a real headless Chromium (DevTools protocol): no console errors, key elements
present, keyboard-operable filters, search; screenshots for CI's artifact folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govctl.site.links import deployment_page
from tests.site.browser import Browser, require_chromium
from tests.site.conftest import BuiltSite, screenshot_dir

DEPLOYMENT = "support-assistant-eu-prod"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    session = Browser(require_chromium())
    try:
        yield session
    finally:
        session.close()


def url(site: BuiltSite, page: str) -> str:
    return (site.out / page).as_uri()


def test_overview_loads_clean_and_filters_work_from_the_keyboard(
    browser: Browser, reference_site: BuiltSite
) -> None:
    browser.load(url(reference_site, "index.html"))
    assert browser.errors() == []
    rows = browser.evaluate("document.querySelectorAll('#readiness tbody tr').length")
    assert rows == reference_site.result.deployments
    assert (
        browser.evaluate("document.querySelector('main h1').textContent") == "Governance overview"
    )
    browser.screenshot(screenshot_dir() / "overview.png", width=1366)

    # Tab from the top of the page until the environment filter has the focus.
    browser.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    for _ in range(40):
        browser.press("Tab", 9)
        if browser.evaluate("document.activeElement.name") == "environment":
            break
    else:
        pytest.fail("the environment filter is not reachable with Tab")
    browser.press("ArrowDown", 40)  # "all" → the first environment
    chosen = browser.evaluate("document.activeElement.value")
    assert chosen == "dev"
    visible = browser.evaluate(
        "Array.from(document.querySelectorAll('#readiness tbody tr'))"
        ".filter(r => !r.hidden).map(r => r.dataset.environment)"
    )
    assert visible and set(visible) == {"dev"}
    status = browser.evaluate("document.getElementById('filter-count').textContent")
    assert status == f"{len(visible)} of {rows} deployments shown"
    assert browser.evaluate("location.hash") == "#environment=dev"  # a shareable filtered view

    browser.evaluate("document.getElementById('filters-reset').click()")
    browser.evaluate("new Promise(r => setTimeout(r, 50))")
    assert (
        browser.evaluate(
            "Array.from(document.querySelectorAll('#readiness tbody tr')).filter(r => r.hidden).length"
        )
        == 0
    )
    assert browser.errors() == []


def test_deployment_page_draws_its_graph_and_cost_chart(
    browser: Browser, reference_site: BuiltSite
) -> None:
    browser.load(url(reference_site, deployment_page(DEPLOYMENT)))
    assert browser.errors() == []
    graph = browser.evaluate(
        "(() => { const s = document.querySelector('svg.graph'); const b = s.getBBox();"
        " return {links: s.querySelectorAll('a').length, w: b.width, h: b.height,"
        " title: s.querySelector('title').textContent}; })()"
    )
    assert graph["links"] >= 5 and graph["w"] > 300 and graph["h"] > 40
    assert graph["title"] == f"Dependency graph of Deployment/{DEPLOYMENT}"
    bars = browser.evaluate("document.querySelectorAll('svg.chart rect.bar').length")
    assert bars == 4
    assert browser.evaluate("!!document.querySelector('#evidence table')")
    browser.screenshot(screenshot_dir() / "deployment.png")


def test_controls_page_and_search(browser: Browser, reference_site: BuiltSite) -> None:
    browser.load(url(reference_site, "controls.html"))
    assert browser.errors() == []
    frameworks = browser.evaluate(
        "Array.from(document.querySelectorAll('main h2')).map(h => h.textContent)"
    )
    assert frameworks[0] == "EU AI Act"
    browser.screenshot(screenshot_dir() / "controls.png")

    browser.load(url(reference_site, "search.html") + "?q=gov-res")
    assert browser.errors() == []
    results = browser.evaluate(
        "Array.from(document.querySelectorAll('#search-results a')).map(a => a.textContent)"
    )
    assert [r.split(":")[0] for r in results if r.startswith("GOV-")] == [
        "GOV-RES-001",
        "GOV-RES-002",
        "GOV-RES-003",
        "GOV-RES-004",
    ]
    assert "GOV-RES-001: Primary model hosted where the data may go" in results
    # Typing searches as you go; the control the rules implement is found too.
    browser.evaluate(
        "(() => { const i = document.getElementById('search-q'); i.value = 'EU-AI-ACT';"
        " i.dispatchEvent(new Event('input')); })()"
    )
    kinds = browser.evaluate(
        "Array.from(document.querySelectorAll('#search-results .kind')).map(k => k.textContent)"
    )
    assert "Control" in kinds
    first = browser.evaluate("document.querySelector('#search-results a').href")
    browser.load(first)
    assert browser.errors() == []


def test_every_top_level_page_loads_without_console_errors(
    browser: Browser, reference_site: BuiltSite
) -> None:
    for page in ("artifacts.html", "rules.html", "audit.html", "search.html"):
        browser.load(url(reference_site, page))
        assert browser.errors() == [], page
        assert browser.evaluate("!!document.querySelector('main h1')"), page


def test_print_stylesheet_hides_navigation_and_keeps_content(
    browser: Browser, reference_site: BuiltSite
) -> None:
    browser.load(url(reference_site, deployment_page(DEPLOYMENT)))
    browser.call("Emulation.setEmulatedMedia", media="print")
    try:
        shown = browser.evaluate(
            "['header.top nav', 'form.search', 'nav.toc', 'main', 'svg.graph', '#findings']"
            ".map(s => getComputedStyle(document.querySelector(s)).display)"
        )
        assert shown[:3] == ["none", "none", "none"]
        assert "none" not in shown[3:]
        pdf = browser.call("Page.printToPDF")["data"]
        assert len(pdf) > 1000
    finally:
        browser.call("Emulation.setEmulatedMedia", media="")


def test_a_missing_browser_skips_loudly_or_fails_when_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GOVCTL_CHROMIUM", str(tmp_path / "no-such-chromium"))
    monkeypatch.delenv("GOVCTL_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="SKIPPED"):
        require_chromium()
    monkeypatch.setenv("GOVCTL_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="GOVCTL_REQUIRE_BROWSER=1"):
        require_chromium()
