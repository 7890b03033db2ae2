"""The dashboard as a person uses it: the real server, Debian's Chromium driven by Playwright.

A temporary database holds the bundled demo corpus plus one hostile record whose
title, source, address and sentences carry `<script>`, `<img onerror>`, `<svg onload>`,
`javascript:` links and template syntax. The tests click from the overview to a
dyad to a document, check what is on the screen (texts, highlighted mentions,
charts), reject a relation as an analyst and see it gone after a reload, and assert
that no dialog ever opens and every payload shows as plain text. Each page is saved
as a screenshot under `test-artifacts/screenshots/`.

Without Chromium (and when `scripts/install_browser.sh` cannot install it) the
browser tests skip, saying so; the tests of the HTML itself still run.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from rivalwatch.api import Workspace, demo_corpus
from rivalwatch.api.dashboard import Mark
from rivalwatch.web.highlight import highlight, term_spans

from tests.server import running_server

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("RIVALWATCH_CHROMIUM", "/usr/bin/chromium")
# Playwright adds its own --headless; these keep Chromium off the network and quiet.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]

TITLE = "<script>alert('title')</script> ISKP and TTP <img src=x onerror=alert('img')>"
SENTENCE_1 = "ISKP attacked TTP fighters in Bajaur in March 2024 <script>alert('ev1')</script>."
SENTENCE_2 = "TTP denounced ISKP <img src=x onerror=alert('ev2')> as khawarij in April 2024."
TAIL = ("<svg onload=alert('svg')></svg> <a href=\"javascript:alert('a')\">click</a> "
        "<iframe src=\"javascript:alert('if')\"></iframe> {{ 7*7 }} {% raw %} &amp; </textarea></mark><mark>")
HOSTILE = {"title": TITLE, "published": "2024-05-02", "url": "javascript:alert('url')",
           "source": "<b onmouseover=alert('src')>wire</b>", "text": f"{SENTENCE_1}\n{SENTENCE_2}\n{TAIL}\n"}


# --- the HTML itself (no browser) ---------------------------------------------------------

def test_highlight_escapes_text_piece_by_piece() -> None:
    text = "ISKP hit <b>TTP</b> & 'them'"
    html = str(highlight(text, [Mark(0, 4, "a", "ISKP"), Mark(12, 15, "b", "<TTP>"), Mark(0, len(text), "evidence", "1"),
                                Mark(5, 99, "a", "out of range")]))
    assert '<mark class="side-a" title="ISKP">ISKP</mark>' in html
    assert '<mark class="side-b" title="&lt;TTP&gt;">TTP</mark>' in html
    assert "&lt;b&gt;" in html and "<b>" not in html and "&amp;" in html and "&#39;them&#39;" in html
    assert html.endswith('<sup class="ref"><a href="#s1">1</a></sup>')
    assert "out of range" not in html


def test_search_terms_are_marked_inside_escaped_text() -> None:
    text = "<script>alert('x')</script> ISKP denounced"
    html = str(highlight(text, term_spans(text, 'ALERT "iskp denounced" nothing*')))
    assert html == ("&lt;script&gt;<mark class=\"hit\">alert</mark>(&#39;x&#39;)&lt;/script&gt; "
                    "<mark class=\"hit\">ISKP denounced</mark>")


def test_highlight_without_marks_is_escaped_text() -> None:
    assert str(highlight("<script>alert(1)</script>", [])) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_empty_database_with_public_reads(tmp_path: Path) -> None:
    """Every page answers on an empty database; public reads need no sign-in and offer no curation."""
    with running_server(tmp_path / "empty.db", public_reads=True, cache=False) as url, httpx.Client(base_url=url) as client:
        for path in ("/", "/network", "/map", "/search?q=attack", "/login"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert "public read-only" in response.text and "data-curation-url" not in response.text
        assert "Nothing ingested yet." in client.get("/").text
        assert "No relations in this slice." in client.get("/network").text
        assert client.get("/actors/ISKP").status_code == 404
        assert client.get("/dyad?x=ISKP").status_code == 400


# --- the server ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Site:
    url: str
    viewer: str
    analyst: str
    hostile_doc: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}: {process.stdout.read() if process.stdout else ''}")
        try:
            httpx.get(url, timeout=2)
            return                      # it answers: it is up
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {seconds:.0f} s")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`rivalwatch serve` on a free loopback port over a temporary database (demo corpus + hostile record)."""
    folder = tmp_path_factory.mktemp("dashboard")
    corpus = folder / "corpus"
    shutil.copytree(demo_corpus(), corpus)
    (corpus / "hostile.jsonl").write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    db = folder / "rivalwatch.db"
    with Workspace(db) as ws:
        report = ws.ingest([corpus])
        assert report.ok, report.errors
        hostile = next(d for d in ws.store.documents() if d.title == TITLE)
        _, viewer = ws.create_token(name="viewer", role="viewer")
        _, analyst = ws.create_token(name="analyst", role="analyst")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rivalwatch", "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait(f"http://127.0.0.1:{port}/login", process)
        yield Site(url=f"http://127.0.0.1:{port}", viewer=viewer, analyst=analyst, hostile_doc=hostile.id)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_pages_need_a_sign_in_and_carry_a_strict_policy(site: Site) -> None:
    response = httpx.get(site.url + "/")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    response = httpx.get(f"{site.url}/documents/{site.hostile_doc}", cookies={"rivalwatch_token": site.viewer})
    assert response.status_code == 200
    html, csp = response.text, response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert "&lt;script&gt;alert(&#39;ev1&#39;)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
    assert 'href="javascript' not in html and "<iframe" not in html and "<b onmouseover" not in html
    assert httpx.get(site.url + "/static/..%2Fpages.py").status_code == 404
    assert httpx.get(site.url + "/static/dashboard.js").headers["content-type"].startswith("text/javascript")


# --- the browser --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "install_browser.sh")], check=False)
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} and scripts/install_browser.sh could not install it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser tab; it fails the test if any dialog (alert, confirm, prompt) ever opens."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog: object) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert errors == [], f"script errors: {errors}"


def _shot(tab: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(tab: object, site: Site, token: str, shot: str | None = None) -> None:
    tab.goto(site.url + "/login")
    if shot:
        _shot(tab, shot)
    tab.fill("input[name=token]", token)
    tab.click("form[data-login] button[type=submit]")
    tab.wait_for_url(site.url + "/")


def _no_live_payload(tab: object) -> None:
    """Nothing from the hostile record became markup: no images, frames, foreign scripts or javascript: links."""
    assert tab.locator("main img, main iframe, main svg[onload], a[href^='javascript']").count() == 0
    assert tab.locator("script").count() == 1 and tab.locator("script").get_attribute("src") == "/static/dashboard.js"


def test_overview_dyad_document(site: Site, page: object) -> None:
    page.goto(site.url + "/")
    assert page.url == site.url + "/login"                              # signed out: the sign-in form
    _sign_in(page, site, site.viewer, shot="login")
    assert page.locator("h1").inner_text() == "Overview"
    assert page.locator("#stat-documents b").inner_text() == "14"
    assert page.locator("#stat-languages b").inner_text() == "English 14"
    assert page.locator("#alerts tbody tr").count() >= 1
    _shot(page, "overview")

    page.click("#dyads a:text-is('ISKP ↔ TTP')")
    page.wait_for_url("**/dyad?**")
    assert page.locator("#timeline svg polyline").count() >= 1          # the hostility chart
    hostile = page.locator("ol.evidence-list > li", has_text="alert('ev1')")
    assert hostile.locator("blockquote").inner_text() == SENTENCE_1     # the payload, as text
    assert hostile.locator("mark.side-a").all_inner_texts() == ["ISKP"]
    assert hostile.locator("mark.side-b").all_inner_texts() == ["TTP fighters"]   # the mention as stored
    assert page.locator(".curate").count() == 0                          # a viewer may not curate
    _no_live_payload(page)
    _shot(page, "dyad")

    hostile.locator("a", has_text="ISKP and TTP").click()
    page.wait_for_url(f"**/documents/{site.hostile_doc}*")
    assert page.locator("h1").inner_text() == TITLE
    text = page.locator("#text").inner_text()
    assert SENTENCE_1 in text and SENTENCE_2 in text and "{{ 7*7 }}" in text and "</textarea></mark><mark>" in text
    assert page.locator("#text mark.evidence").count() >= 2
    assert page.locator("#text sup.ref").all_inner_texts() == ["1", "2"]
    assert set(page.locator("#text span.mention").all_inner_texts()) >= {"ISKP", "TTP"}
    assert page.locator("aside li.sentence").count() == 2
    lines = page.locator("aside .relation-line").all_inner_texts()
    assert "ISKP ASSAULT TTP" in lines and "TTP ACCUSE ISKP" in lines
    assert "original" not in page.locator("p.lead").inner_text()         # a javascript: address is not linked
    _no_live_payload(page)
    _shot(page, "document")


def test_actor_network_map_search(site: Site, page: object) -> None:
    _sign_in(page, site, site.viewer)
    page.goto(site.url + "/actors/ISKP")
    assert "Islamic State Khorasan Province" in page.locator("h1").inner_text()
    assert "ISIS-K" in page.locator("ul.aliases").all_inner_texts()[0]
    assert page.locator(".chart svg polyline").count() >= 1
    assert page.locator("table", has_text="mentions").locator("tbody tr").count() >= 3
    _shot(page, "actor")

    page.goto(site.url + "/network")
    assert page.locator("#network svg circle").count() >= 10
    page.locator("#year").fill("2024")                                  # the slider reloads the page
    page.wait_for_url("**/network?year=2024")
    assert page.locator("#network svg text", has_text="Signed network, 2024").count() == 1
    assert page.locator("#network svg a[href='/actors/ISKP']").count() == 1
    _shot(page, "network")

    page.goto(site.url + "/map")
    assert page.locator("#map svg circle.place").count() >= 5
    page.select_option("select[name=country]", "AFG")
    page.wait_for_url("**/map?country=AFG**")
    assert "Kabul" in page.locator("table", has_text="province").inner_text()
    _shot(page, "map")

    page.fill("header input[name=q]", "alert")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=alert")
    quotes = page.locator("ol.evidence-list blockquote").all_inner_texts()
    assert SENTENCE_1 in quotes and SENTENCE_2 in quotes
    assert set(page.locator("ol.evidence-list mark.hit").all_inner_texts()) == {"alert"}
    _no_live_payload(page)
    _shot(page, "search")


def test_analyst_rejects_a_relation(site: Site, page: object) -> None:
    _sign_in(page, site, site.analyst)
    page.goto(site.url + "/dyad?x=ISKP&y=TALIBAN")
    items = page.locator("ol.evidence-list > li[data-row]")
    before = items.count()
    first = items.first
    row_id = first.get_attribute("id")
    assert first.locator(".curate button[data-action=reject]").count() == 1
    first.locator("button[data-action=reject]").click()
    first.locator(".status", has_text="rejected").wait_for()
    _shot(page, "curation-rejected")
    page.reload()
    assert page.locator(f"#{row_id}").count() == 0
    assert page.locator("ol.evidence-list > li[data-row]").count() == before - 1
    # the token came from the sign-in form, kept in this tab's sessionStorage, never in an address
    assert page.evaluate("sessionStorage.getItem('rivalwatch-token')") == site.analyst
    assert site.analyst not in page.url
    _shot(page, "dyad-after-reject")

    # correct one relation's modality, confirm another; both show as curated after a reload
    rows = page.locator("ol.evidence-list > li[data-row]")
    corrected, confirmed = rows.nth(0), rows.nth(1)
    corrected_print = corrected.locator(".curate").get_attribute("data-fingerprint")
    confirmed_print = confirmed.locator(".curate").get_attribute("data-fingerprint")
    corrected.locator("button[data-action=edit]").click()
    corrected.locator("select[name=modality]").select_option("alleged")
    corrected.locator("button[data-action=correct]").click()
    corrected.locator(".status", has_text="corrected").wait_for()
    confirmed.locator("button[data-action=confirm]").click()
    confirmed.locator(".status", has_text="confirmed").wait_for()
    page.reload()
    line = page.locator(f"li[data-row]:has(.curate[data-fingerprint='{corrected_print}']) .tag")
    assert {"alleged", "corrected"} <= set(line.all_inner_texts())
    line = page.locator(f"li[data-row]:has(.curate[data-fingerprint='{confirmed_print}']) .tag")
    assert "confirmed" in line.all_inner_texts()
    _shot(page, "dyad-after-curation")


def test_a_viewer_cannot_curate_even_by_hand(site: Site, page: object) -> None:
    """The pages hide the controls from a viewer, and the API refuses a viewer's token all the same."""
    _sign_in(page, site, site.viewer)
    page.goto(site.url + "/dyad?x=ISKP&y=TTP")
    assert page.locator(".curate").count() == 0
    status = page.evaluate("""async () => {
        const id = document.querySelector("li[data-row]").id.replace("rel-", "");
        const r = await fetch(`/api/relations/${id}/reject`, {method: "POST", body: "{}",
            headers: {"Authorization": "Bearer " + sessionStorage.getItem("rivalwatch-token"),
                      "Content-Type": "application/json"}});
        return r.status; }""")
    assert status == 403
