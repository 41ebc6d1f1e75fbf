"""Chunking on the real corpus and real statutes."""

from __future__ import annotations

import random
from pathlib import Path

from ingest.chunking import ChunkingOptions, chunk_document, embedded_text
from ingest.documents import Block, LoadedDocument, LoadError
from ingest.loaders import load_file
from tests.conftest import CORPUS, require_shared


def test_policy_paragraphs_become_chunks_with_their_heading_trail() -> None:
    doc = load_file(CORPUS / "dalarna-internationell-policy.md")
    chunks = chunk_document(doc)
    adopts = next(c for c in chunks if "antar" in c.text)
    assert adopts.text == (
        "Det är landstingsfullmäktige som antar Landstinget Dalarnas internationella policy."
    )
    assert adopts.section == "Internationell policy › Landstingsfullmäktige"
    assert [c.position for c in chunks] == list(range(len(chunks)))
    # The title and trail help retrieval but never enter the quoted text.
    embedded = embedded_text(doc, adopts)
    assert embedded.startswith(
        "Landstinget Dalarna – Internationell policy › Landstingsfullmäktige"
    )
    assert embedded.endswith(adopts.text)


def test_every_chunk_is_a_verbatim_slice_and_covers_all_text() -> None:
    for path in sorted(CORPUS.glob("*.md")):
        doc = load_file(path)
        chunks = chunk_document(doc)
        for chunk in chunks:
            assert doc.text[chunk.start : chunk.end] == chunk.text
        covered = "".join(c.text for c in chunks)
        body = "".join(b.text for b in doc.blocks if b.kind != "heading")
        assert len(covered.replace("\n", "")) >= len(body.replace("\n", ""))


def test_tiny_neighbours_merge_within_a_section_only() -> None:
    doc = load_file(CORPUS / "jonkoping-internationellt-arbete.md")
    chunks = chunk_document(doc)
    signatures = next(c for c in chunks if "Vid protokollet" in c.text)
    assert "Siw Kullbergh" in signatures.text and "Anneli Andersson" in signatures.text
    assert signatures.section.endswith("› Beslut")
    assert all(len(c.text) <= ChunkingOptions().max_chars for c in chunks)


def test_long_paragraphs_split_at_sentence_boundaries() -> None:
    sentences = [f"Mening nummer {i} handlar om regionens ansvar för vården." for i in range(60)]
    doc = LoadedDocument(
        doc_id="lang",
        title="Lång",
        source_path=Path("lang.md"),
        content_hash="x",
        blocks=[Block("heading", "Lång", level=1), Block("paragraph", " ".join(sentences))],
    )
    chunks = chunk_document(doc, ChunkingOptions(max_chars=400))
    assert len(chunks) > 5
    for chunk in chunks:
        assert len(chunk.text) <= 400
        assert chunk.text.startswith("Mening nummer") and chunk.text.endswith("vården.")
    assert " ".join(c.text for c in chunks) == " ".join(sentences)


def test_statutes_come_out_as_chapter_and_section_trails() -> None:
    kommunallag = load_file(require_shared("sfs", "2017", "sfs-2017-725.md"))
    chunks = chunk_document(kommunallag)
    first = chunks[0]
    assert first.section == (
        "Kommunallag › 1 kap. Grunderna för den kommunala verksamheten"
        " › Kommuner och regioner › 1 §"
    )
    assert first.text.startswith("Sverige är indelat i kommuner och regioner.")
    assert all(c.section.startswith("Kommunallag › ") for c in chunks)
    assert any("§" in c.section.split(" › ")[-1] for c in chunks)


def test_chunking_holds_on_a_sample_of_statutes() -> None:
    sfs = require_shared("sfs")
    files = sorted(sfs.rglob("*.md"))
    empty = 0
    for path in random.Random(7).sample(files, 150):
        try:
            doc = load_file(path)
        except LoadError as error:
            # Repealed statutes in the snapshot keep only their front matter.
            assert error.reason.startswith("no text found"), error
            empty += 1
            continue
        chunks = chunk_document(doc)
        assert chunks, path
        for chunk in chunks:
            assert doc.text[chunk.start : chunk.end] == chunk.text
            assert 0 < len(chunk.text) <= ChunkingOptions().max_chars, path
    assert 150 - empty >= 40  # most of the sample has text to chunk
