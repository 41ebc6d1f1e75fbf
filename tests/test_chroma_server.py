"""With `POLICY_ASSISTANT_CHROMA_URL`, the vectors live in a real Chroma server (`chroma run`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx

from tests.conftest import CORPUS
from tests.live_server import CLI, start_server
from tests.servers import chroma_server


def ingest(data: Path, chroma_url: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "POLICY_ASSISTANT_DATA_DIR": str(data),
        "POLICY_ASSISTANT_CHROMA_URL": chroma_url,
        "COLUMNS": "200",
    }
    return subprocess.run(
        [str(CLI), "ingest", str(CORPUS)], env=env, capture_output=True, text=True, check=False
    )


def test_ingest_and_answers_through_a_chroma_server(tmp_path: Path) -> None:
    with chroma_server(tmp_path / "chroma-server") as url:
        data = tmp_path / "data"
        first = ingest(data, url)
        assert first.returncode == 0, first.stdout + first.stderr
        assert not (data / "chroma").exists()  # the vectors went to the server
        assert (tmp_path / "chroma-server" / "chroma.sqlite3").exists()
        again = ingest(data, url)
        row = next(line for line in again.stdout.splitlines() if line.startswith("│"))
        assert [c.strip() for c in row.split("│")[1:-1]][6] == "0"  # nothing embedded

        server = start_server(data, {"POLICY_ASSISTANT_CHROMA_URL": url})
        try:
            info = httpx.get(f"{server.url}/v1/info").json()
            assert info["store"] == "server" and info["chunks"] == 27
            reply = httpx.post(
                f"{server.url}/v1/chat",
                json={
                    "messages": [
                        {"role": "user", "content": "Vem antar den internationella policyn?"}
                    ]
                },
                timeout=60,
            ).json()
            assert "landstingsfullmäktige" in reply["answer"].lower()
            assert reply["citations"][0]["document"] == "dalarna-internationell-policy"
        finally:
            server.stop()
