"""The HTML view opened in headless Chromium: it draws what the graph holds and runs no injected script.

Needs Debian's `chromium` at /usr/bin/chromium and Playwright for Python (no
browser download: Playwright drives the system Chromium). Skipped otherwise.
"""
from pathlib import Path

import pytest
from rdflib.namespace import RDF

from kg.export.html import write_html
from kg.vocab import CLASS_OF_TYPE, DJ
from test_html import ATTACK, PROGRAM, build_graph, _iri

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium (Debian package `chromium`): browser test skipped", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    graph = build_graph()
    target = tmp_path_factory.mktemp("view") / "graph.html"
    write_html(graph, target, "测试版面")
    problems, dialogs = [], []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))

            def on_dialog(dialog):
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            page.goto(target.as_uri())
            page.wait_for_function("window.kgView && window.kgView.stabilized", timeout=60_000)
            yield graph, page, problems, dialogs
        finally:
            browser.close()


def _shown(page) -> int:
    drawn = page.evaluate("kgView.nodes.get({filter: function (n) { return !n.hidden; }}).length")
    assert drawn == page.evaluate("kgView.shown")
    return drawn


def test_html_browser_draws_the_entities_without_errors(browser_page):
    graph, page, problems, dialogs = browser_page
    entities = {s for cls in CLASS_OF_TYPE.values() for s in graph.subjects(RDF.type, cls)}
    reporters = set(graph.subjects(RDF.type, DJ.Reporter))
    articles = set(graph.subjects(RDF.type, DJ.Article))
    assert page.evaluate("kgView.network.body.data.nodes.length") == len(entities) + len(articles)
    assert _shown(page) == len(entities - reporters)
    page.click("#toggle-articles")
    assert _shown(page) == len(entities) + len(articles)
    page.click("#toggle-articles")
    assert _shown(page) == len(entities - reporters)
    assert problems == [] and dialogs == []


def test_html_browser_county_filter_keeps_what_lies_in_the_county(browser_page):
    _, page, problems, _ = browser_page
    page.select_option("#county-filter", label="嘉祥县")
    assert _shown(page) == 2  # the county and its town
    page.select_option("#county-filter", value="")
    assert problems == []


def test_html_browser_tooltip_shows_script_text_literally(browser_page):
    _, page, problems, dialogs = browser_page
    node = _iri("program", PROGRAM)
    page.evaluate("kgView.network.fit()")
    page.wait_for_timeout(200)
    where = page.evaluate("""id => {
        var net = kgView.network, dom = net.canvasToDOM(net.getPositions([id])[id]);
        var box = document.getElementById('mynetwork').getBoundingClientRect();
        return {x: box.left + dom.x, y: box.top + dom.y};
    }""", node)
    page.mouse.move(where["x"], where["y"])
    page.wait_for_selector("#tooltip:not([hidden])", timeout=5_000)
    assert ATTACK in page.inner_text("#tooltip")
    page.mouse.move(5, 5)
    page.wait_for_selector("#tooltip", state="hidden", timeout=5_000)
    assert dialogs == [] and problems == []


def test_html_browser_search_focuses_and_shows_evidence_as_text(browser_page):
    _, page, problems, dialogs = browser_page
    page.fill("#search", "梁山县委组织部")
    page.press("#search", "Enter")
    details = page.inner_text("#details")
    assert "梁山县委组织部" in details and "</script>梁山县委组织部主办。" in details
    page.fill("#search", "alert(1)")
    page.press("#search", "Enter")
    page.wait_for_timeout(500)
    details = page.inner_text("#details")
    assert PROGRAM in details and "活动与品牌" in details and "a.txt" in details
    assert page.evaluate("document.querySelectorAll('script').length") == 3  # nothing was injected
    assert dialogs == [] and problems == []
    page.evaluate("kgView.network.fit()")
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph.png"))
