"""Access labels on every version, not only on the one in force.

Three documents whose labels differ between their versions: one labelled `hr` only in its older
version, one only in its upcoming version, one only in the version in force. A caller without
`hr` never receives anything of an `hr` version (text, paragraphs, date, hash, count, changes,
the "new wording from …" line, an `as_of` answer, a filter's choice), through any read route or
the page; a caller with `hr` and the admin key receive all of it.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from assistant.storage.versions import DocumentRecord, VersionRecord
from evals.labelled_load import (
    IN_FORCE,
    NEWER,
    OLDER,
    REVISED,
    SEARCHES,
    UPCOMING,
    VERSIONED_SECRETS,
    write_versioned,
)
from tests.conftest import copy_data
from tests.live_server import CLI, LiveServer, start_server

RESTRICTED_VERSIONS = {(OLDER, "2019-03-14"), (NEWER, UPCOMING), (IN_FORCE, "2024-04-02")}
ACCESS = "keys:\n  hr-key: [hr]\n"
KEYS = ("plain-key", "hr-key", "admin-key")

CHANGED = "Vad har ändrats i riktlinjen för friskvård?"
QUESTIONS = [  # (question, as_of)
    (REVISED, None),
    (CHANGED, None),
    ("Hur stort är friskvårdsbidraget?", "2020-01-01"),  # the older version's time
    (REVISED, UPCOMING),  # the upcoming version's time
    ("Vad omfattar cykelförmånen?", None),
]


@pytest.fixture(scope="module")
def versioned_server(tmp_path_factory: pytest.TempPathFactory, corpus_data: Path):
    root = tmp_path_factory.mktemp("version-labels")
    folder = root / "policies"
    write_versioned(folder)
    data = copy_data(corpus_data, root / "data")
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data)}
    done = subprocess.run(
        [str(CLI), "ingest", str(folder)], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (root / "access.yaml").write_text(ACCESS, encoding="utf-8")
    live = start_server(
        data,
        {
            "POLICY_ASSISTANT_ACCESS": str(root / "access.yaml"),
            "POLICY_ASSISTANT_API_KEYS": "plain-key,hr-key",
        },
        admin_key="admin-key",
    )
    yield live
    live.stop()


@pytest.fixture(scope="module")
def restricted(versioned_server: LiveServer) -> tuple[str, ...]:
    """Everything of the hr versions a caller without hr must never see: their words, their
    dates and their content hashes (from the admin's listing)."""
    listing = httpx.get(
        f"{versioned_server.url}/v1/documents?include_withdrawn=true",
        headers=versioned_server.headers("admin-key"),
    ).json()["documents"]
    hashes = tuple(
        v["content_hash"]
        for d in listing
        for v in d["versions"]
        if (d["id"], v["effective_date"]) in RESTRICTED_VERSIONS
    )
    assert len(hashes) == len(RESTRICTED_VERSIONS)
    return VERSIONED_SECRETS + hashes


def read_everything(server: LiveServer, key: str) -> dict[str, httpx.Response]:
    """What one caller gets from every read route of the API about the three documents."""
    headers = server.headers(key)
    url = server.url
    got: dict[str, httpx.Response] = {}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        for n, (question, as_of) in enumerate(QUESTIONS):
            ask = {"messages": [{"role": "user", "content": question}], "as_of": as_of}
            got[f"chat {n}"] = client.post("/v1/chat", json=ask)
            got[f"stream {n}"] = client.post("/v1/chat", json={**ask, "stream": True})
            got[f"openai {n}"] = client.post("/v1/chat/completions", json=ask)
            got[f"openai stream {n}"] = client.post(
                "/v1/chat/completions", json={**ask, "stream": True}
            )
        for n, (query, as_of) in enumerate(SEARCHES):
            got[f"search {n}"] = client.post(
                "/v1/search", json={"query": query, "k": 50, "as_of": as_of}
            )
        got["documents"] = client.get("/v1/documents", params={"include_withdrawn": True})
        got["info"] = client.get("/v1/info")
        for doc_id in (OLDER, NEWER, IN_FORCE):
            got[doc_id] = client.get(f"/v1/documents/{doc_id}")
            got[f"{doc_id} changes"] = client.get(f"/v1/documents/{doc_id}/changes")
            for day in ("2019-06-01", "2020-01-01", "2023-01-01", "2025-01-01", UPCOMING):
                got[f"{doc_id} on {day}"] = client.get(f"/v1/documents/{doc_id}/versions/{day}")
                got[f"{doc_id} to {day}"] = client.get(
                    f"/v1/documents/{doc_id}/changes", params={"to": day}
                )
                got[f"{doc_id} from {day}"] = client.get(
                    f"/v1/documents/{doc_id}/changes", params={"from": day}
                )
    return got


@pytest.fixture(scope="module")
def everything(versioned_server: LiveServer) -> dict[str, dict[str, httpx.Response]]:
    return {key: read_everything(versioned_server, key) for key in KEYS}


def leaked(responses: dict[str, httpx.Response], secrets: tuple[str, ...]) -> dict[str, list]:
    """The secrets in each response; a 404 must be word for word a missing document's."""
    found = {}
    for route, response in responses.items():
        if response.status_code == 404:
            url = str(response.request.url)
            doc_id = next(d for d in (OLDER, NEWER, IN_FORCE) if d in url)
            key = {"Authorization": response.request.headers["Authorization"]}
            missing = httpx.get(url.replace(doc_id, "no-such-document"), headers=key)
            like_missing = missing.text.replace("no-such-document", doc_id)
            found[route] = [] if response.text == like_missing else [response.text]
        else:
            found[route] = [s for s in secrets if s.lower() in response.text.lower()]
    return {route: words for route, words in found.items() if words}


def test_every_route_keeps_to_the_labels_of_every_version(
    everything: dict[str, dict[str, httpx.Response]], restricted: tuple[str, ...]
) -> None:
    """Without the label: none of it, anywhere. With it, or the admin key: all of it."""
    plain = everything["plain-key"]
    assert {r.status_code for r in plain.values()} <= {200, 404}
    found = leaked(plain, restricted)
    assert not found, "\n".join(f"{route}: {words}" for route, words in found.items())
    for key in ("hr-key", "admin-key"):
        got = everything[key]
        assert {r.status_code for r in got.values()} <= {200, 404}
        shown = " ".join(r.text for r in got.values()).lower()
        assert [s for s in restricted if s.lower() not in shown] == [], key
        assert f"Från {UPCOMING} gäller en ny lydelse:" in got["chat 0"].json()["answer"]
        assert "massagestol" in got["chat 1"].json()["answer"]  # what changed, quoting both


def versions_of(listing: httpx.Response, doc_id: str) -> list[tuple[str, str]]:
    document = next(d for d in listing.json()["documents"] if d["id"] == doc_id)
    return [(v["effective_date"], v["status"]) for v in document["versions"]]


def test_a_caller_sees_only_the_versions_it_may_read(
    everything: dict[str, dict[str, httpx.Response]],
) -> None:
    plain, hr = everything["plain-key"], everything["hr-key"]
    assert versions_of(plain["documents"], OLDER) == [("2023-09-01", "in_force")]
    assert versions_of(hr["documents"], OLDER) == [
        ("2019-03-14", "superseded"),
        ("2023-09-01", "in_force"),
    ]
    assert versions_of(plain["documents"], NEWER) == [("2022-05-16", "in_force")]
    assert versions_of(hr["documents"], NEWER) == [
        ("2022-05-16", "in_force"),
        (UPCOMING, "upcoming"),
    ]
    assert [v["effective_date"] for v in plain[NEWER].json()["versions"]] == ["2022-05-16"]
    # A day on which only a labelled version was in force is a day with none in force.
    assert plain[f"{OLDER} on 2020-01-01"].status_code == 404
    assert plain[f"{NEWER} on {UPCOMING}"].status_code == 404
    assert hr[f"{OLDER} on 2020-01-01"].json()["version"]["effective_date"] == "2019-03-14"
    # Changes compare only versions the caller may read.
    assert plain[f"{OLDER} changes"].json()["old"] is None
    assert hr[f"{OLDER} changes"].json()["old"]["effective_date"] == "2019-03-14"
    assert plain[f"{NEWER} to {UPCOMING}"].status_code == 404
    assert hr[f"{NEWER} to {UPCOMING}"].json()["new"]["effective_date"] == UPCOMING


def test_a_labelled_version_in_force_hides_the_document_from_the_caller(
    everything: dict[str, dict[str, httpx.Response]],
) -> None:
    """Not the older version in its place, and not a listing that betrays a newer one."""
    plain, hr = everything["plain-key"], everything["hr-key"]
    assert plain[IN_FORCE].status_code == 404
    assert IN_FORCE not in {d["id"] for d in plain["documents"].json()["documents"]}
    for route in (f"{IN_FORCE} on 2019-06-01", f"{IN_FORCE} on 2025-01-01", f"{IN_FORCE} changes"):
        assert plain[route].status_code == 404, route
    assert plain["info"].json()["documents"] == hr["info"].json()["documents"] - 1
    for route in ("chat 4", "search 2"):
        assert "elcykel" not in plain[route].text, route  # the old version is not in force
    assert hr[IN_FORCE].json()["in_force"]["effective_date"] == "2024-04-02"


def ask_on_page(server: LiveServer, key: str, question: str) -> str:
    page = Client(f"{server.url}/chat/", verbose=False, headers=server.headers(key))
    history, _, _ = page.predict(question, "", "", "", api_name="/ask")
    # The answer and its panels, as shown: without the escapes that keep Markdown from acting.
    return json.dumps(history[1:], ensure_ascii=False).replace("\\", "")


def test_the_page_keeps_to_the_labels_of_every_version(
    versioned_server: LiveServer, restricted: tuple[str, ...]
) -> None:
    for question in (REVISED, CHANGED):
        shown = ask_on_page(versioned_server, "plain-key", question)
        assert not [s for s in restricted if s.lower() in shown.lower()], question
    assert f"Från {UPCOMING} gäller en ny lydelse:" in ask_on_page(
        versioned_server, "hr-key", REVISED
    )
    assert "massagestol" in ask_on_page(versioned_server, "hr-key", CHANGED)
    assert document_choices(versioned_server, "plain-key") == [
        "Internationell policy",
        "Internationellt arbete – Policy och strategiska mål",
        "Riktlinje för distansarbete",
        "Riktlinje för friskvård",
    ]
    assert "Riktlinje för cykelförmån och bruttolöneavdrag" in document_choices(
        versioned_server, "hr-key"
    )


def document_choices(server: LiveServer, key: str) -> list[str]:
    """The document filter's choices, as a signed-in user's browser shows them."""
    from playwright.sync_api import expect, sync_playwright

    from tests.browser_page import CHROMIUM, CHROMIUM_ARGS, open_filters

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{server.url}/")
            page.locator("#key").fill(key)
            page.locator("#signin").click()
            expect(page.locator("#pa-ask")).to_have_text("Fråga", timeout=30_000)
            open_filters(page)
            page.locator("#pa-document input").click()
            # The choices arrive with the page, per session: wait for them.
            expect(page.get_by_role("option", name="Riktlinje för friskvård")).to_be_visible()
            texts = page.get_by_role("option").all_inner_texts()
            return sorted(t.strip() for t in texts if "Alla dokument" not in t)
        finally:
            browser.close()


def record(*versions: tuple[str, str, bool], today: str) -> DocumentRecord:
    """A time line of (effective date, labels, withdrawn) versions, numbered in order."""
    timeline = [
        VersionRecord(
            "riktlinje",
            f"hash{n}",
            "Riktlinje",
            "",
            1,
            day,
            metadata={"access": labels} if labels else {},
            version=n,
            withdrawn=withdrawn,
        )
        for n, (day, labels, withdrawn) in enumerate(versions, start=1)
    ]
    return DocumentRecord("riktlinje", timeline, date.fromisoformat(today))


def test_a_version_the_reader_may_not_read_is_absent_but_still_ends_the_one_before() -> None:
    full = record(("2019-01-01", "", False), ("2021-01-01", "hr", False),
                  ("2023-01-01", "", False), today="2024-01-01")  # fmt: skip
    assert full.seen_by(None) is full
    assert full.seen_by(frozenset({"hr"})).versions == full.versions  # type: ignore[union-attr]
    seen = full.seen_by(frozenset())
    assert seen is not None
    first, _, third = full.versions
    assert seen.versions == [first, third]
    assert seen.version_on(date(2020, 1, 1)) is first
    assert seen.version_on(date(2022, 1, 1)) is None  # not the first in its place
    assert seen.live is third and seen.status(first) == "superseded"
    assert seen.previous(third) is first  # what changed: between the versions it may read
    assert seen.following(first) is None  # no "new wording from …" out of the hidden one
    assert record(("2019-01-01", "hr", False), today="2024-01-01").seen_by(frozenset()) is None

    withdrawn = record(("2019-01-01", "", False), ("2021-01-01", "hr", False),
                       ("2023-01-01", "", True), today="2024-01-01")  # fmt: skip
    seen = withdrawn.seen_by(frozenset())
    assert seen is not None and seen.state == "withdrawn"
    assert withdrawn.status(withdrawn.versions[1]) == "withdrawn"
    assert seen.status(seen.versions[0]) == "superseded"  # the hidden one was withdrawn

    in_force = record(("2018-01-01", "", False), ("2024-01-01", "hr", False), today="2025-01-01")
    assert in_force.seen_by(frozenset()) is None  # nothing of it, not even that it goes on
    upcoming = record(("2018-01-01", "hr", False), ("2030-01-01", "", False), today="2025-01-01")
    assert upcoming.seen_by(frozenset()) is None  # until its readable version comes in force
    later = record(("2018-01-01", "hr", False), ("2030-01-01", "", False), today="2031-01-01")
    assert later.seen_by(frozenset()).versions == [later.versions[1]]  # type: ignore[union-attr]
