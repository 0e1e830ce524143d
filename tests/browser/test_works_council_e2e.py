"""In Chromium: the union representative's whole job on the works-council page (issue 15, items 7-11).

They upload the call log from their own computer (streamed to the workspace's logs/ folder by
``lia serve``, never through the kernel's memory), read the summary before any table, page the
breaches, and download a chart (SVG) and the breaches (CSV) for the minutes. Screenshots in
English, Swedish and Norwegian at 1400 px and on a 1280x800 laptop go to tests/output/screenshots/.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterator

import pytest

from .conftest import ROOT, LiaServer, guarded_page, screenshot

pytestmark = pytest.mark.browser

PAGE = "voila/render/works_council.ipynb"
LIMIT = 5_000_000  # bytes, so the too-large refusal can be shown with a small file


@pytest.fixture(scope="module")
def wc_server(tmp_path_factory: pytest.TempPathFactory, browser_env: dict) -> Iterator[tuple[LiaServer, Path]]:
    base = tmp_path_factory.mktemp("wc-e2e")
    home = base / "ws"
    home.mkdir()
    log = _every_day_log(base / "from my laptop.csv")
    assert log.stat().st_size < LIMIT
    env = dict(browser_env, LIA_UPLOAD_LIMIT=str(LIMIT))
    server = LiaServer(home, env=env, log=ROOT / "tests" / "output" / "lia-serve-wc-e2e.log").start()
    try:
        yield server, log
    finally:
        server.stop()


def _every_day_log(path: Path) -> Path:
    """12 agents in 3 teams recorded every working day for 6 weeks: runs, whole weeks, months over the demo limits."""
    from datetime import date, timedelta

    lines = ["call_id,agent,team,start,duration_s,recorded,caller_consent,deleted_at,consent_withdrawn_at"]
    n = 0
    for i in range(42):
        d = date(2025, 1, 6) + timedelta(days=i)
        if d.weekday() >= 5:
            continue
        for a in range(12):
            for h in (9, 13):
                n += 1
                rec = "yes" if h == 9 else "no"
                deleted = f"{d + timedelta(days=20)}T02:00:00+01:00" if rec == "yes" else ""
                lines.append(f"C{n:06d},A{a:04d},{('billing', 'sales', 'support')[a % 3]},{d}T{h:02d}:00:00+01:00,"
                             f"300,{rec},{'yes' if rec == 'yes' else 'not_asked'},{deleted},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _open(page: Any, server: LiaServer, query: str = "") -> None:
    page.goto(server.url(PAGE + (f"?{query}" if query else "")))
    page.wait_for_selector("body[data-lia-ready='true']", timeout=120_000)
    page.wait_for_selector(".lia-wc .lia-header", timeout=120_000)
    page.wait_for_selector(".lia-wc-summary", timeout=120_000)


def test_upload_summary_paging_and_downloads(wc_server: Any, browser: Any, tmp_path: Path) -> None:
    server, log = wc_server
    external: list[str] = []
    context, page = guarded_page(browser, external, viewport={"width": 1400, "height": 900})
    try:
        _open(page, server)
        # the limit is shown beside the control
        assert "at most 4.8 MiB" in page.inner_text(".lia-wc-upload")
        page.set_input_files(".lia-wc-upload input[type=file]", str(log))
        page.wait_for_selector(".lia-wc-uploaded", timeout=120_000)
        stored = server.home / "logs" / "from_my_laptop.csv"
        assert stored.read_bytes() == log.read_bytes()  # streamed to the workspace, byte for byte
        assert not [p for p in (server.home / "logs").iterdir() if p.name.startswith(".")]  # no temporary left
        assert "from my laptop.csv" in page.inner_text(".lia-wc-uploaded")
        selected = page.eval_on_selector_all("select", "els => els.map(e => e.options[e.selectedIndex]?.textContent)")
        assert "from_my_laptop.csv" in selected
        # the summary comes before any table, in words
        lead = page.inner_text(".lia-wc-lead")
        assert "breaches of the declared limits" in lead and "employees" in lead
        assert "Worst case:" in page.inner_text(".lia-wc-worst")
        order = page.evaluate("""() => {
            const s = document.querySelector('.lia-wc-summary'), t = document.querySelector('.lia-wc-breaches');
            return s.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING; }""")
        assert order
        # the table is paged
        info = page.locator(".lia-wc-pageinfo")
        assert "page 1 of" in info.inner_text()
        first = page.inner_text(".lia-wc-breaches tbody")
        assert page.locator(".lia-wc-breaches tbody tr").count() == 25
        page.locator("button.lia-wc-next").click()
        page.wait_for_function("document.querySelector('.lia-wc-pageinfo').innerText.includes('page 2 of')")
        assert page.inner_text(".lia-wc-breaches tbody") != first
        # and filterable by agent
        agent = page.eval_on_selector(".lia-wc-agent select", "s => s.options[1].value")
        page.select_option(".lia-wc-agent select", agent)
        page.wait_for_function("document.querySelector('.lia-wc-pageinfo').innerText.includes('page 1 of 1')")
        who = page.eval_on_selector_all(".lia-wc-breaches tbody tr td:nth-child(2)", "tds => tds.map(t => t.innerText)")
        assert who and set(who) == {agent}
        # downloads go to the browser
        with page.expect_download() as dl:
            page.locator("a.lia-wc-dl-timeline").click()
        svg = Path(dl.value.path()).read_text(encoding="utf-8")
        assert dl.value.suggested_filename.endswith("-timeline.svg") and svg.lstrip().startswith("<svg")
        with page.expect_download() as dl:
            page.locator("a.lia-wc-dl-csv").click()
        rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
        assert dl.value.suggested_filename.endswith("-breaches.csv")
        assert rows and {r["kind"] for r in rows} >= {"consecutive_days", "whole_week", "days_per_month"}
        assert all(r["description"] for r in rows)
        page.select_option(".lia-wc-agent select", index=0)
        page.wait_for_function("document.querySelector('.lia-wc-pageinfo').innerText.includes('page 1 of')")
        screenshot(page, "works-council-1400-en")
    finally:
        context.close()
    assert not external, external


def test_a_file_over_the_limit_is_refused_in_the_pages_language(wc_server: Any, browser: Any, tmp_path: Path) -> None:
    server, _ = wc_server
    big = tmp_path / "huge.csv"
    big.write_bytes(b"x" * (LIMIT + 1))
    external: list[str] = []
    context, page = guarded_page(browser, external, viewport={"width": 1280, "height": 800})
    try:
        _open(page, server, "lang=sv")
        page.set_input_files(".lia-wc-upload input[type=file]", str(big))
        page.wait_for_selector(".lia-wc-error", timeout=60_000)
        assert "huge.csv laddades inte upp: den är större än 4.8 MiB" in page.inner_text(".lia-wc-error")
        assert not (server.home / "logs" / "huge.csv").exists()
    finally:
        context.close()
    assert not external, external


@pytest.mark.parametrize("lang", ["en", "sv", "nb"])
@pytest.mark.parametrize("size", [(1400, 900), (1280, 800)])
def test_screenshots(wc_server: Any, browser: Any, lang: str, size: tuple[int, int]) -> None:
    server, log = wc_server
    external: list[str] = []
    context, page = guarded_page(browser, external, viewport={"width": size[0], "height": size[1]})
    try:
        logs = server.home / "logs"
        name = "from_my_laptop.csv" if (logs / "from_my_laptop.csv").exists() else ""
        _open(page, server, f"lang={lang}" + (f"&log={name}" if name else ""))
        page.wait_for_selector(f".lia-page-lang-{lang}", state="attached")
        page.wait_for_selector(".lia-wc-charts svg")
        # at 1280 px nothing spills sideways: the page needs no horizontal scrolling
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, overflow
        screenshot(page, f"works-council-{size[0]}x{size[1]}-{lang}")
    finally:
        context.close()
    assert not external, external


def test_the_upload_endpoint_refuses_what_it_must(wc_server: Any) -> None:
    """Without the page's XSRF cookie, with a name that is no call log, or over the limit: refused, nothing kept."""
    import http.cookiejar
    import json
    import urllib.error
    import urllib.request

    server, _ = wc_server
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = server.url("lia/upload/logs")
    with opener.open(url, timeout=30) as r:
        assert json.loads(r.read())["limit"] == LIMIT
    xsrf = next(c.value for c in jar if c.name == "_xsrf")

    def put(name: str, body: bytes, token: str | None = xsrf) -> tuple[int, dict]:
        req = urllib.request.Request(f"{url}?name={urllib.request.quote(name)}", data=body, method="PUT",
                                     headers={"X-XSRFToken": token} if token else {})
        try:
            with opener.open(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, (json.loads(raw) if raw.startswith(b"{") else {})
        except urllib.error.URLError:  # the server answered and closed before the client finished sending
            return 0, {}

    def listing() -> list[str]:
        logs = server.home / "logs"
        return sorted(p.name for p in logs.iterdir()) if logs.exists() else []

    before = listing()
    assert put("cross-site.csv", b"a,b\n", token=None)[0] == 403  # another site's page cannot post here
    assert put("../../outside.txt", b"a,b\n") == (400, {"limit": LIMIT, "error": "bad_name"})
    assert put("big.csv", b"x" * (LIMIT + 1))[0] in (413, 0)  # refused on its Content-Length, body unread
    assert listing() == before
    assert not (server.home.parent / "outside.txt").exists()
    status, first = put("twice.csv", b"a,b\n1,2\n")
    status2, second = put("twice.csv", b"a,b\n3,4\n")
    assert (status, status2) == (201, 201) and (first["name"], second["name"]) == ("twice.csv", "twice-2.csv")
    assert (server.home / "logs" / "twice.csv").read_text() == "a,b\n1,2\n"  # never replaced
