"""Every change of a "what changed" answer, one link away: the answer quotes the first few and
the page leads to the changes view (`/chat/changes/{document}/{old}/{new}`), which lists all of
them, old and new wording, each linked to its paragraph in the source view. The API's answer
names its own changes route instead. Same door, labels and escaping as the source view."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from assistant.storage.conversations import Conversation
from assistant.types import Answer, ComparedVersions
from assistant.web.conversations import as_markdown
from assistant.web.page.history import answer_piece, changes_line
from assistant.web.page.texts import TEXTS
from tests.browser_page import ask_on_page, serious_violations, tab_to
from tests.conftest import copy_data
from tests.live_server import LiveServer, start_server

PARKING = "testregion-parkering"
QUESTION = "Vad har ändrats i riktlinjen för parkering?"
HOSTILE_OLD = (
    "Felparkerade bilar kan flyttas på ägarens bekostnad enligt [regler](http://127.0.0.1:9/r) "
    "och **beslut**."
)
HOSTILE_NEW = (
    "Felparkerade bilar kan flyttas <script>window.pwned=1</script> på ägarens bekostnad enligt "
    "[regler](http://127.0.0.1:9/r) och **beslut** <img src=x onerror=window.pwned=2>."
)
# The parking guideline in two versions: seven paragraphs reworded, two removed, two added.
PARKING_VERSIONS = {
    "2024-01-01": [
        "Parkeringsavgiften för anställda i Region Testland är 300 kronor per månad.",
        "Avgiften dras på lönen varje månad.",
        "Besökare betalar 20 kronor per timme vid sjukhusets entré.",
        "Motorcyklar står avgiftsfritt i källaren under hus 3.",
        "Parkeringstillstånd söks hos fastighetsavdelningen via intranätet.",
        "Tillståndet gäller ett år i taget och ska synas i vindrutan.",
        "Ett förlorat tillstånd ersätts mot en avgift på 100 kronor.",
        "Fastighetschefen ansvarar för att riktlinjen följs.",
        HOSTILE_OLD,
        "Riktlinjen följs upp årligen.",
    ],
    "2025-01-01": [
        "Parkeringsavgiften för anställda i Region Testland är 400 kronor per månad.",
        "Avgiften dras på lönen i efterskott varje månad.",
        "Besökare betalar 25 kronor per timme vid sjukhusets entré.",
        "Elbilar laddas vid de gröna platserna mot en avgift per kilowattimme.",
        "Parkeringstillstånd söks hos fastighetsavdelningen via e-tjänsten.",
        "Tillståndet gäller två år i taget och ska synas i vindrutan.",
        "Regiondirektören ansvarar för att riktlinjen följs.",
        HOSTILE_NEW,
        "Cykelställ med tak finns vid alla entréer.",
        "Riktlinjen följs upp årligen.",
    ],
}
FRONT = """---
id: {id}
title: {title}
organisation: Region Testland
effective_date: {day}
{access}---
"""
# Readable by `hr` in its first version only, then by everyone; and `hr` in both versions.
WELLNESS = ("friskvard-testland", "Riktlinje för friskvård", {
    "2019-03-14": ("access: [hr]\n", ["Bidraget är 2 000 kronor och gäller massagestol."]),
    "2023-09-01": ("", ["Friskvårdsbidraget är 3 000 kronor och betalas av löneenheten."]),
})  # fmt: skip
SALARIES = ("lon-testland", "Riktlinje för lönerevision", {
    "2020-04-01": ("access: [hr]\n", ["Lönerevisionen sker i april efter förhandling."]),
    "2024-04-01": ("access: [hr]\n", ["Lönerevisionen sker i maj efter förhandling."]),
})  # fmt: skip
ACCESS = "keys:\n  hr-key: [hr]\n"


def _upload(live: LiveServer, name: str, text: str) -> None:
    files = {"files": (name, text.encode(), "text/plain")}
    done = httpx.post(
        f"{live.url}/v1/ingest", files=files, headers=live.headers("admin-key"), timeout=120
    )
    assert done.status_code == 200, done.text


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, corpus_data: Path):
    """corpus/ with the parking guideline in two versions and two labelled documents; the
    browser signs in with `reader-key`, which holds no label."""
    root = tmp_path_factory.mktemp("changes-view")
    (root / "access.yaml").write_text(ACCESS, encoding="utf-8")
    env = {
        "POLICY_ASSISTANT_ACCESS": str(root / "access.yaml"),
        "POLICY_ASSISTANT_API_KEYS": "reader-key,hr-key",
    }
    live = start_server(copy_data(corpus_data, root / "data"), env, admin_key="admin-key")
    live.api_key = "reader-key"
    try:
        for day, paragraphs in PARKING_VERSIONS.items():
            front = FRONT.format(id=PARKING, title="Riktlinje för parkering", day=day, access="")
            _upload(live, f"parkering-{day}.txt", front + "\n" + "\n\n".join(paragraphs) + "\n")
        for doc_id, title, versions in (WELLNESS, SALARIES):
            for day, (access, paragraphs) in versions.items():
                front = FRONT.format(id=doc_id, title=title, day=day, access=access)
                _upload(live, f"{doc_id}-{day}.txt", front + "\n" + "\n\n".join(paragraphs))
    except BaseException:
        live.stop()
        raise
    yield live
    live.stop()


def _view(live: LiveServer, path: str, key: str | None = "reader-key") -> httpx.Response:
    headers = live.headers(key) if key else {}
    return httpx.get(f"{live.url}{path}", headers=headers, timeout=30)


def test_the_api_answer_names_its_changes_route_and_no_page_link(server: LiveServer) -> None:
    ask = {"messages": [{"role": "user", "content": QUESTION}]}
    got = httpx.post(f"{server.url}/v1/chat", json=ask, headers=server.headers(), timeout=60)
    assert got.status_code == 200, got.text
    body = got.json()
    every = httpx.get(
        f"{server.url}/v1/documents/{PARKING}/changes", headers=server.headers()
    ).json()["changes"]
    assert len(every) == 11
    assert {c["kind"] for c in every} == {"changed", "added", "removed"}
    assert body["answer"].rstrip().endswith("… och 5 till.")
    assert "changes/" not in body["answer"] and "/chat/" not in body["answer"]
    compared = body["compared"]
    link = f"/v1/documents/{PARKING}/changes?from=2024-01-01&to=2025-01-01"
    assert compared == {"document": PARKING, "old": 1, "new": 2, "changes": 11, "link": link}
    listed = httpx.get(f"{server.url}{compared['link']}", headers=server.headers())
    assert listed.json()["changes"] == every
    other = {"messages": [{"role": "user", "content": "Vem antar den internationella policyn?"}]}
    plain = httpx.post(f"{server.url}/v1/chat", json=other, headers=server.headers(), timeout=60)
    assert plain.json()["compared"] is None


def test_the_changes_view_lists_every_change_as_typed(server: LiveServer) -> None:
    """Old and new wording of each change, marked and labelled, each linked to its paragraph;
    a document's <script>, image and Markdown are shown as the characters they are."""
    got = _view(server, f"/chat/changes/{PARKING}/1/2")
    assert got.status_code == 200, got.text
    page = got.text
    assert '<html lang="sv">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert page.count('<li class="change"') == 11
    assert page.count("<del>") == 9 and page.count("<ins>") == 9  # 7 changed, 2 each way
    assert page.count("Tidigare lydelse (v1), borttagen:") == 9
    assert page.count("Ny lydelse (v2), tillagd:") == 9
    assert "7 stycken ändrade, 2 nya, 2 borttagna." in page
    assert f"<del>{HOSTILE_OLD}</del>" in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    assert "**beslut**" in page and "[regler](http://127.0.0.1:9/r)" in page
    assert "&lt;img src=x onerror=window.pwned=2&gt;" in page
    assert "<script" not in page and "<img" not in page
    assert '<a href="../../../">Tillbaka till samtalet</a>' in page
    links = re.findall(r'<a href="([^"]+)">Visa stycket i (v\d)</a>', page)
    assert len(links) == 18  # a link per wording
    base = f"{server.url}/chat/changes/{PARKING}/1/2"
    for href, version in links:
        assert not href.startswith("/")  # relative: it holds under a path prefix
        url, anchor = urljoin(base, href).split("#")
        assert url.startswith(f"{server.url}/chat/source/{PARKING}/{version[1:]}")
        source = httpx.get(url, headers=server.headers(), timeout=30)
        assert source.status_code == 200 and f'id="{anchor}"' in source.text
    wording = re.search(r'id="(p\d+)"[^>]*>([^<]*flyttas &lt;script)', _view(
        server, f"/chat/source/{PARKING}/2"
    ).text)  # fmt: skip
    assert wording and f"source/{PARKING}/2#{wording.group(1)}" in page

    english = _view(server, f"/chat/changes/{PARKING}/1/2?lang=en").text
    assert '<html lang="en">' in english and "Paragraph removed" in english
    assert '<a href="../../../?lang=en">Back to the conversation</a>' in english
    assert f"../../../source/{PARKING}/2?lang=en#p" in english


def test_the_changes_view_keeps_to_the_readers_labels(server: LiveServer) -> None:
    """A version the reader may not read is exactly a missing one: the same 404 page, whether
    the document is missing, labelled throughout, or labelled only in its earlier version."""
    missing = _view(server, "/chat/changes/ingen-sadan/1/2")
    assert missing.status_code == 404
    for path in (
        f"/chat/changes/{WELLNESS[0]}/1/2",  # hr in v1 only: the reader sees v2, never v1
        f"/chat/changes/{SALARIES[0]}/1/2",
        f"/chat/changes/{PARKING}/2/1",  # backwards
        f"/chat/changes/{PARKING}/2/2",
        f"/chat/changes/{PARKING}/1/99",
    ):
        refused = _view(server, path)
        assert refused.status_code == 404 and refused.text == missing.text, path
    assert "massagestol" not in _view(server, f"/chat/changes/{WELLNESS[0]}/1/2").text
    for doc_id in (WELLNESS[0], SALARIES[0]):
        allowed = _view(server, f"/chat/changes/{doc_id}/1/2", key="hr-key")
        assert allowed.status_code == 200 and "<del>" in allowed.text, doc_id
    signed_out = _view(server, f"/chat/changes/{PARKING}/1/2", key=None)
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/signin"
    for bad in ("x/1", "1/x", "0/1", "1/-1", "1/99999999999"):
        got = _view(server, f"/chat/changes/{PARKING}/{bad}")
        assert 400 <= got.status_code < 500, bad


def test_the_exported_conversation_links_to_the_changes_view() -> None:
    """The link under the answer is the page's own (relative); the export makes it absolute, and
    leaves a document's text that only looks like one as typed."""
    compared = ComparedVersions(PARKING, 1, 2, "2024-01-01", "2025-01-01", 11)
    shown = answer_piece("Se [regler](changes/x/1/2) … och 5 till.")
    shown += changes_line(Answer("…", True, compared=compared), TEXTS["sv"])
    assert shown.endswith(f"[Visa alla 11 ändringar mellan v1 och v2](changes/{PARKING}/1/2)")
    messages = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": shown}]
    exported = as_markdown(
        Conversation("c", QUESTION, 0.0, messages), "https://intra.example/assistent/chat/",
        {"title": "Samtal", "question": "Fråga", "answer": "Svar"},
    )  # fmt: skip
    assert f"](https://intra.example/assistent/chat/changes/{PARKING}/1/2)" in exported
    assert "\\(changes/x/1/2\\)" in exported  # the quoted text is not a link
    english = changes_line(Answer("…", True, compared=compared), TEXTS["en"])
    assert english == f"\n\n[Show all 11 changes between v1 and v2](changes/{PARKING}/1/2?lang=en)"
    assert changes_line(Answer("…", True), TEXTS["sv"]) == ""


def test_the_page_leads_from_the_answer_to_every_change_by_keyboard(page, tmp_path) -> None:
    """The answer's "… och 5 till" is followed by a link to the changes view, reached with Tab
    and followed with Enter; the view passes axe on a desktop and a phone, and its links
    lead on to the source view, by keyboard too."""
    from playwright.sync_api import expect

    ask_on_page(page, QUESTION)
    chat = page.locator("#pa-chat")
    expect(chat).to_contain_text("… och 5 till.")
    link = chat.get_by_role("link", name="Visa alla 11 ändringar mellan v1 och v2")
    expect(link).to_have_count(1)
    assert serious_violations(page) == []
    page.locator("body").click(position={"x": 5, "y": 5})
    tab_to(page, "#pa-chat a[href*='changes/']", most=80)
    with page.context.expect_page() as opened:
        page.keyboard.press("Enter")
    view = opened.value
    view.wait_for_load_state()
    assert f"/chat/changes/{PARKING}/1/2" in view.url
    expect(view.locator("li.change")).to_have_count(11)
    expect(view.locator("h1")).to_have_text("Ändringar i Riktlinje för parkering")
    assert view.evaluate("() => window.pwned") is None
    assert serious_violations(view) == []
    view.set_viewport_size({"width": 390, "height": 844})
    assert serious_violations(view) == []
    view.screenshot(path=tmp_path / "changes.png", full_page=True)  # for a person to look at
    tab_to(view, "a[href*='source/']")
    with view.expect_navigation():
        view.keyboard.press("Enter")
    expect(view.locator(".paragraph:target")).to_have_count(1)
    assert not page.outside, page.outside  # type: ignore[attr-defined]
