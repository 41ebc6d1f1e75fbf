"""schemathesis against the running server's OpenAPI schema, as a read key and as the admin:
examples, coverage, fuzzing and the stateful phase (which ingests and deletes), with every
check schemathesis has: no 5xx, every status, header, body and stream as the schema documents
it, every request the schema forbids refused and every one it allows accepted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_data
from tests.live_server import LiveServer, start_server

ST = Path(sys.executable).parent / "st"
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory, corpus_data: Path):
    """A server of its own: the admin's stateful phase deletes documents."""
    root = tmp_path_factory.mktemp("fuzzed")
    (root / "incoming").mkdir()
    env = {"POLICY_ASSISTANT_INGEST_ROOTS": str(root / "incoming")}
    live = start_server(
        copy_data(corpus_data, root / "data"), env, api_key="reader-key", admin_key="admin-key"
    )
    yield live
    live.stop()


@pytest.mark.parametrize("key", ["reader-key", "admin-key"])
def test_the_api_answers_fuzzed_requests_as_documented(fuzzed_server: LiveServer, key: str) -> None:
    done = subprocess.run(
        [
            str(ST), "--config-file", str(CONFIG), "run", f"{fuzzed_server.url}/openapi.json",
            "--header", f"Authorization: Bearer {key}",
            "--checks", "all",
            "--max-examples", "20",
            "--generation-deterministic",
        ],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    summary = done.stdout[-3000:]
    assert done.returncode == 0, summary
    assert "Stateful" in summary and "generated" in summary
