"""The `policy-assistant` command as maintainers run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.settings import Settings
from assistant.storage.audit import AuditLog
from tests.conftest import CORPUS

CLI = Path(sys.executable).parent / "policy-assistant"


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run(
        [str(CLI), *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_ingest_then_list_documents(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = run(data, "ingest", str(CORPUS), "--prune")
    assert first.returncode == 0, first.stderr
    assert "added" in first.stdout and "chunks/s" in first.stdout
    row = next(line for line in first.stdout.splitlines() if line.startswith("│"))
    assert row.split("│")[1].strip() == "2"  # added

    again = run(data, "ingest", str(CORPUS))
    row = next(line for line in again.stdout.splitlines() if line.startswith("│"))
    cells = [c.strip() for c in row.split("│")[1:-1]]
    assert cells[:3] == ["0", "0", "2"] and cells[6] == "0"  # nothing embedded

    listing = run(data, "documents")
    assert listing.returncode == 0
    assert "dalarna-internationell-policy" in listing.stdout
    assert "Landstinget i Jönköpings län" in listing.stdout


def test_failures_are_named_and_set_the_exit_code(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tom.md").write_bytes(b"")
    (folder / "ok.md").write_text("# Policy\n\nEtt stycke text om policyn.\n", encoding="utf-8")
    result = run(tmp_path / "data", "ingest", str(folder))
    assert result.returncode == 1
    assert "tom.md: empty file" in result.stderr
    record = AuditLog(Settings(data_dir=tmp_path / "data").audit_url).list()[0]
    assert record.actor.startswith("cli:") and record.action == "ingest"
    assert (
        record.result == "added 1, updated 0, unchanged 0, deleted 0, failed 1 (tom.md: empty file)"
    )

    missing = run(tmp_path / "data", "ingest", str(tmp_path / "finns-inte"))
    assert missing.returncode == 2 and "Not found" in missing.stderr


def test_ask_prints_the_answer_as_json(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(data, "ingest", str(CORPUS)).returncode == 0
    result = run(data, "ask", "Vem antar den internationella policyn i Dalarna?", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    fields = {"text", "answered", "citations", "language", "closest", "generation", "compared"}
    assert set(answer) == fields
    assert answer["closest"] is False
    assert answer["answered"] is True and answer["language"] == "sv"
    citation = answer["citations"][0]
    assert set(citation) == {
        "id",
        "document",
        "title",
        "organisation",
        "section",
        "effective_date",
        "status",
        "version",
        "text",
        "score",
        "version_number",
        "position",
    }
    assert citation["document"] == "dalarna-internationell-policy"

    # Refused before the model loads: an empty data directory is never opened.
    too_long = run(tmp_path / "never-opened", "ask", "policy " * 1000)
    assert too_long.returncode == 2 and "limit" in too_long.stderr
    assert not (tmp_path / "never-opened").exists()


def test_ask_prints_markup_and_escape_sequences_in_a_citation_as_text(tmp_path: Path) -> None:
    policy = tmp_path / "policy.md"
    policy.write_text(
        "---\ntitle: Avgiftspolicy\n---\n# Avgifter\n\n"
        "Avgiften för parkering är [/] 20 kronor [bold]per dag[/bold] \x1b[31ménligt\x1b[0m "
        "beslut av regionstyrelsen.\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    assert run(data, "ingest", str(policy)).returncode == 0
    result = run(data, "ask", "Vad är avgiften för parkering?")
    assert result.returncode == 0, result.stderr
    assert "[/] 20 kronor [bold]per dag[/bold]" in result.stdout
    assert "\x1b" not in result.stdout  # what is left of the sequence is plain text


def test_an_ingest_written_to_a_file_reports_files_chunks_and_rate(tmp_path: Path) -> None:
    result = run(tmp_path / "data", "ingest", str(CORPUS))
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("ingest: "))
    assert line.startswith("ingest: 2/2 files, 27 chunks, ") and "chunks/s" in line
    assert line.endswith("0:00:00 left")
