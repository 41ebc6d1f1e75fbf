"""Files built to hurt: each is a clear per-file error, the rest of the run goes on, and the
index keeps what it had."""

from __future__ import annotations

import io
import resource
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from ingest.documents import LoadError
from ingest.indexing import Indexer
from ingest.loaders import load_file
from tests.conftest import CORPUS

# 417 bytes of YAML whose aliases expand to 10^9 strings when walked.
ALIAS_BOMB = """---
title: Policy
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
# Policy

Text.
"""


def element_bomb(path: Path, paragraphs: int = 1_000_000) -> Path:
    """A real DOCX whose body holds a million empty paragraphs: a few kB zipped."""
    source = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Policyn gäller alla.")
    document.save(source)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as bomb:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * paragraphs)
            bomb.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_yaml_aliases_in_front_matter_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.md"
    bomb.write_text(ALIAS_BOMB, encoding="utf-8")
    assert bomb.stat().st_size < 500
    with pytest.raises(LoadError, match="aliases"):
        load_file(bomb)


def test_a_docx_of_a_million_empty_paragraphs_is_refused_before_parsing(tmp_path: Path) -> None:
    bomb = element_bomb(tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 200_000
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LoadError, match="XML elements"):
        load_file(bomb)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kb < 200_000, f"peak memory grew by {grown_kb} kB"


def test_a_run_goes_on_past_hostile_files_and_keeps_the_index(
    indexer: Indexer, tmp_path: Path
) -> None:
    folder = tmp_path / "incoming"
    shutil.copytree(CORPUS, folder)
    (folder / "bomb.md").write_text(ALIAS_BOMB, encoding="utf-8")
    element_bomb(folder / "bomb.docx")
    (folder / "bad.html").write_bytes(b"<p>" * 300_000)
    report = indexer.ingest([folder])
    failed = {Path(file).name: reason for file, reason in report.failed}
    assert set(failed) == {"bomb.md", "bomb.docx", "bad.html"}
    assert "aliases" in failed["bomb.md"] and "XML elements" in failed["bomb.docx"]
    assert len(report.added) == 2  # the two policies
    chunks = indexer.store.count()
    again = indexer.ingest([folder])
    assert len(again.failed) == 3 and len(again.unchanged) == 2
    assert indexer.store.count() == chunks


def test_a_link_out_of_an_ingest_folder_is_refused(indexer: Indexer, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Hemligt\n\nLösenordet till servern är hunter2.\n", encoding="utf-8")
    folder = tmp_path / "incoming"
    shutil.copytree(CORPUS, folder)
    (folder / "policy-link.md").symlink_to(secret)
    (folder / "texter").mkdir()
    (folder / "texter" / "riktlinje.md").write_text("# Riktlinje\n\nGäller alla.\n")
    (folder / "riktlinje-genväg.md").symlink_to(folder / "texter" / "riktlinje.md")
    report = indexer.ingest([folder])
    failed = {Path(file).name: reason for file, reason in report.failed}
    assert list(failed) == ["policy-link.md"] and "outside" in failed["policy-link.md"]
    assert "riktlinje-genväg" in report.added  # a link that stays inside is fine
    assert not any("hunter2" in text for text in indexer.store.collection.get()["documents"])
    assert not any("secret" in d.doc_id for d in indexer.catalog.documents(include_withdrawn=True))


def test_a_file_over_its_time_is_refused_and_the_live_version_stays(
    indexer: Indexer, tmp_path: Path
) -> None:
    from assistant.retrieval.retriever import Retriever
    from ingest.documents import LoadLimits

    policy = tmp_path / "dalarna.md"
    shutil.copy(CORPUS / "dalarna-internationell-policy.md", policy)
    assert indexer.ingest([policy]).added
    live = indexer.catalog.live("dalarna-internationell-policy")
    grown = "".join(
        f"\n\nTilläggsregel nummer {n} gäller tjänsteresor till partnerregion nummer {n} och "
        "ska godkännas i förväg av närmaste chef enligt landstingets resepolicy."
        for n in range(120)
    )
    policy.write_text(policy.read_text(encoding="utf-8") + grown, encoding="utf-8")

    hurried = Indexer(indexer.store, indexer.catalog, limits=LoadLimits(max_seconds=0.5))
    report = hurried.ingest([policy])
    assert report.failed and "took longer than 0.5 s" in report.failed[0][1]
    assert indexer.catalog.live("dalarna-internationell-policy") == live
    readers = Retriever(indexer.store, indexer.catalog)
    assert not any("Tilläggsregel" in p.text for p in readers.search("Tilläggsregel", k=50))

    finished = indexer.ingest([policy])
    assert finished.updated == ["dalarna-internationell-policy"]
    assert finished.embedded < 100  # the batch embedded before giving up came from the cache
    live_now = indexer.catalog.live("dalarna-internationell-policy")
    assert indexer.store.count() == live_now.chunk_count  # no chunk of the abandoned try left
