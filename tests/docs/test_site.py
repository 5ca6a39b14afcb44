"""The built documentation site as a reader sees it, in headless Chromium.

Opens the index, the API page of one function (and its module's page), two tutorials (the
first and the networks one) and the Paper M reproduction page; fails on console errors,
resources that do not load, images that do not decode, unrendered equations, empty API entries
and missing figures.  Screenshots of every page are written to ``docs/_build/screenshots/``
(or ``$QMEMRISTOR_SCREENSHOTS``) for people to look at.

Needs the built site (``sphinx-build -b html docs docs/_build/html``, or ``$QMEMRISTOR_SITE``)
and the ``chromium`` executable; without either the tests skip and say why — except with
``QMEMRISTOR_REQUIRE_SITE=1`` (set by CI right after it builds the site), where they fail.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .chromium import Browser, find_chromium

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("QMEMRISTOR_SITE", ROOT / "docs" / "_build" / "html"))
SHOTS = Path(os.environ.get("QMEMRISTOR_SCREENSHOTS", ROOT / "docs" / "_build" / "screenshots"))
REQUIRE = os.environ.get("QMEMRISTOR_REQUIRE_SITE") == "1"

PAGES = {
    "index": "index.html",
    "api-function": "reference/api/generated/qmemristor.memristor.simulate.html",
    "api-module": "reference/api/qmemristor.memristor.html",
    "tutorial": "tutorials/01-memristor.html",
    "tutorial-networks": "tutorials/07-networks.html",
    "reproduction": "reproductions/paper-m.html",
}


def _unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(reason + " (QMEMRISTOR_REQUIRE_SITE=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    exe = find_chromium()
    if exe is None:
        _unavailable("chromium is not installed (Debian package 'chromium')")
    with Browser(exe) as b:
        yield b


@pytest.fixture
def browser(chromium):
    if not (SITE / "index.html").exists():
        _unavailable(
            f"the site is not built in {SITE}: "
            "sphinx-build -W --keep-going -n -b html docs docs/_build/html"
        )
    return chromium


def test_the_check_sees_what_breaks_a_page(chromium, tmp_path):
    # The checks below are only as good as what the browser reports: a page with a missing
    # image, a failing script and a console error must show all three.
    page = tmp_path / "broken.html"
    page.write_text(
        "<html><body><p>text</p><img src='missing.png'>"
        "<script>console.error('boom'); not_defined();</script></body></html>"
    )
    chromium.open(page.as_uri())
    problems = " | ".join(chromium.problems())
    assert "boom" in problems and "Uncaught" in problems and "missing.png" in problems, problems
    assert chromium.evaluate("document.images[0].naturalWidth") == 0


def visit(browser: Browser, name: str) -> dict:
    """Open one page, take its screenshot and return what every page must satisfy."""
    path = SITE / PAGES[name]
    assert path.exists(), f"{path} was not built"
    browser.open(path.as_uri())
    shot = browser.screenshot(SHOTS / f"{name}.png")
    facts = json.loads(
        browser.evaluate(
            """JSON.stringify({
              title: document.title,
              text: (document.querySelector('article') || document.body).innerText.length,
              sheets: document.styleSheets.length,
              images: [...document.images].map(i => ({src: i.currentSrc || i.src,
                                                       ok: i.complete && i.naturalWidth > 0})),
              math: document.querySelectorAll('mjx-container').length,
              mathErrors: document.querySelectorAll('mjx-merror').length,
              rawMath: document.querySelectorAll('.math:not(:has(mjx-container))').length,
            })"""
        )
    )
    assert browser.problems() == [], f"{name}: {browser.problems()}"
    assert "qmemristor" in facts["title"], facts["title"]
    assert facts["text"] > 300, f"{name}: almost no text ({facts['text']} characters)"
    assert facts["sheets"] >= 2, f"{name}: the theme's style sheets did not load"
    broken = [i["src"] for i in facts["images"] if not i["ok"]]
    assert broken == [], f"{name}: images that did not load: {broken}"
    assert facts["mathErrors"] == 0 and facts["rawMath"] == 0, f"{name}: unrendered math {facts}"
    # a PNG of a real page is tens of kilobytes; an empty white page is a few hundred bytes
    assert shot.stat().st_size > 10_000, f"{name}: the screenshot is blank"
    return facts


def test_index_page_links_every_part_of_the_site(browser):
    visit(browser, "index")
    links = json.loads(
        browser.evaluate(
            "JSON.stringify([...document.querySelectorAll('article a.reference.internal')]"
            ".map(a => a.getAttribute('href')))"
        )
    )
    for part in ("theory", "tutorials/", "howto/", "reproductions/", "reference/"):
        assert any(part in href for href in links), f"index: no link to {part} in {links}"


def test_api_page_of_a_function_documents_its_signature_and_parameters(browser):
    # qmemristor.memristor.simulate: five parameters, described in a numpydoc section
    visit(browser, "api-function")
    entry = json.loads(
        browser.evaluate(
            """(() => {
              const dl = document.querySelector('dl.py.function');
              if (!dl) return JSON.stringify(null);
              const fields = [...dl.querySelectorAll('dl.field-list > dt')]
                .map(dt => dt.textContent.trim());
              const params = [...dl.querySelectorAll('dl.field-list > dd')][0];
              return JSON.stringify({
                signature: dl.querySelector('dt.sig').innerText,
                fields: fields,
                nParams: params ? params.querySelectorAll('li, dt').length : 0,
                body: dl.querySelector('dd').innerText.length,
              });
            })()"""
        )
    )
    assert entry is not None, "no function entry on the page"
    assert "simulate(" in entry["signature"] and "params" in entry["signature"], entry
    assert any(f.lower().startswith("parameters") for f in entry["fields"]), entry["fields"]
    assert entry["nParams"] >= 3, f"the Parameters section is (nearly) empty: {entry}"
    assert entry["body"] > 200, f"the description is (nearly) empty: {entry}"


def test_api_page_of_a_module_lists_every_public_name_with_a_summary(browser):
    import qmemristor.memristor as module

    visit(browser, "api-module")
    rows = json.loads(
        browser.evaluate(
            """JSON.stringify([...document.querySelectorAll('table.autosummary tr')].map(tr =>
                 [tr.querySelector('td a') ? tr.querySelector('td a').innerText : '',
                  tr.querySelectorAll('td').length > 1 ? tr.querySelectorAll('td')[1].innerText
                                                         : '']))"""
        )
    )
    listed = {name for name, _ in rows}
    missing = set(module.__all__) - listed
    assert not missing, f"public names missing from the module page: {sorted(missing)}"
    empty = [name for name, summary in rows if name in module.__all__ and not summary.strip()]
    # constants are documented by a value and a comment, which may be empty in the table
    empty = [n for n in empty if not n.isupper()]
    assert not empty, f"names without a one-line summary: {empty}"


@pytest.mark.parametrize("page", ["tutorial", "tutorial-networks"])
def test_tutorial_page_shows_executed_outputs_and_typeset_math(browser, page):
    facts = visit(browser, page)
    out = json.loads(
        browser.evaluate(
            """JSON.stringify({
              cells: document.querySelectorAll('div.cell').length,
              outputs: document.querySelectorAll('div.cell_output').length,
              plots: document.querySelectorAll('div.cell_output img').length,
              errors: document.querySelectorAll('div.cell_output .traceback, .output.error')
                        .length,
            })"""
        )
    )
    assert out["cells"] >= 5 and out["outputs"] >= 5, out
    assert out["plots"] >= 2, f"the tutorial's plots are missing: {out}"
    assert out["errors"] == 0, f"a cell failed: {out}"
    assert facts["math"] >= 3, f"equations were not typeset (MathJax offline?): {facts}"


def test_reproduction_page_shows_every_registered_figure_of_paper_m(browser):
    from qmemristor.figures import available

    visit(browser, "reproduction")
    expected = [f.name for f in available().values() if f.paper.startswith("Paper M")]
    blocks = json.loads(
        browser.evaluate(
            """JSON.stringify([...document.querySelectorAll('div.qm-figure')].map(d => ({
                 img: d.querySelector('img') ? d.querySelector('img').naturalWidth : 0,
                 link: d.querySelector('a.image-reference') ?
                       d.querySelector('a.image-reference').href : null,
                 text: d.closest('section').innerText,
               })))"""
        )
    )
    assert len(blocks) == len(expected), f"{len(blocks)} figure blocks, {len(expected)} figures"
    for name, block in zip(expected, blocks, strict=True):
        assert name in block["text"], f"block of {name}: {block['text'][:200]}"
        assert "The paper." in block["text"] and "Status:" in block["text"], block["text"][:300]
        assert f"qmemristor reproduce {name}" in block["text"], f"no command for {name}"
        if (ROOT / "docs" / "gallery" / f"{name}.png").exists():
            assert block["img"] > 100, f"the image of {name} did not render"
            target = Path(block["link"].removeprefix("file://"))
            assert target.is_file(), f"the full-size image of {name} is not at {target}"
