"""Several hosts under load while a third re-ingests statutes: failures and time to visibility.

    python -m evals hosts-benchmark [--statutes 200] [--clients 8] [--seconds 20]
                                    [--cache-from data/eval/distractors-300]

Starts a Chroma server and a PostgreSQL server of its own, ingests corpus/ and N statutes from
one data directory (the ingesting host), and starts two API processes with data directories of
their own (two hosts). Then, while clients ask `/v1/chat` on both hosts in turn, the ingesting
host re-ingests every statute in a new version (one paragraph added to each), so each API host
sees N new generations. The baseline, in the same run, is the same load before the re-ingest.
It reports failed requests, p50/p95 before, during and after, and for each host the time from
the ingest's end to its first answer from the last version.

`--cache-from` seeds the shared embedding cache from a data directory's SQLite cache (the
evaluation's, which holds these statutes), so the set-up costs minutes, not an hour; the
re-ingest still embeds each added paragraph.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx

from assistant.settings import Settings
from assistant.storage.catalog import Catalog
from assistant.storage.embedding_cache import SQLByteStore
from evals.distractors import pick_statutes
from evals.load_benchmark import CLI, Run, questions
from evals.servers import chroma_server, free_port, postgres_server
from ingest.loaders import load_file

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MARK = "Denna lydelse bär kontrollmärket {}."


def seed_cache(source: Path, url: str) -> int:
    store = SQLByteStore(url)
    copied = 0
    with sqlite3.connect(source / "embedding_cache.sqlite") as db:
        rows = db.execute("SELECT key, value FROM cache")
        while batch := rows.fetchmany(2000):
            store.mset(batch)
            copied += len(batch)
    return copied


def start_host(data: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    data.mkdir(parents=True)
    port = free_port()
    process = subprocess.Popen(
        [str(CLI), "serve", "--port", str(port)],
        env={**os.environ, **env, "POLICY_ASSISTANT_DATA_DIR": str(data)},
        stdout=(data.parent / "server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        if process.poll() is not None:
            raise SystemExit(f"a host exited; see {data.parent / 'server.log'}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).json().get("status") == "ready":
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.1)


class Load:
    """Clients asking the hosts in turn until stopped; each answer is put in its phase."""

    def __init__(self, urls: list[str], clients: int) -> None:
        self.urls, self.clients = urls, clients
        self.phase = "before"
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.started: dict[str, float] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._client, args=(i,)) for i in range(clients)]

    def start(self, phase: str) -> None:
        self.phase = phase
        self.started[phase] = time.perf_counter()
        if not self._threads[0].is_alive():
            for thread in self._threads:
                thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self.started["end"] = time.perf_counter()

    def runs(self) -> list[Run]:
        marks = list(self.started.items())
        return [
            Run(
                phase,
                self.clients,
                self.latencies.get(phase, []),
                end - start,
                self.errors.get(phase, 0),
            )
            for (phase, start), (_, end) in itertools.pairwise(marks)
        ]

    def _client(self, offset: int) -> None:
        asked = questions()
        with httpx.Client(timeout=60) as http:
            n = offset
            while not self._stop.is_set():
                url = self.urls[n % len(self.urls)]
                body = {"messages": [{"role": "user", "content": asked[n % len(asked)]}]}
                phase, started = self.phase, time.perf_counter()
                try:
                    ok = http.post(f"{url}/v1/chat", json=body).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with self._lock:
                    if ok:
                        self.latencies.setdefault(phase, []).append(time.perf_counter() - started)
                    else:
                        self.errors[phase] = self.errors.get(phase, 0) + 1
                n += self.clients


def new_versions(folder: Path) -> str:
    """Add a paragraph to every statute in `folder`; the last one's mark, to ask for."""
    mark = ""
    for n, path in enumerate(sorted(folder.iterdir())):
        mark = f"kx{n:04d}q"
        path.write_text(path.read_text(encoding="utf-8") + f"\n\n{MARK.format(mark)}\n")
    return mark


def visible_after(url: str, generation: int, since: float) -> float:
    """Seconds from `since` until the host answers from the catalogue's `generation`."""
    while httpx.get(f"{url}/healthz").json()["generation"] != generation:
        time.sleep(0.05)
    return time.perf_counter() - since


def top_document(url: str, mark: str) -> str:
    reply = httpx.post(f"{url}/v1/search", json={"query": f"kontrollmärket {mark}", "k": 1})
    return reply.json()["passages"][0]["document"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--statutes", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0, help="load before and after")
    parser.add_argument("--cache-from", type=Path, default=Path("data/eval/distractors-300"))
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="policy-assistant-hosts-"))
    statutes = work / "statutes"
    statutes.mkdir()
    for path in pick_statutes(args.statutes):
        shutil.copy(path, statutes / path.name)
    with chroma_server(work / "chroma") as chroma, postgres_server() as database:
        env = {"POLICY_ASSISTANT_CHROMA_URL": chroma, "POLICY_ASSISTANT_DATABASE_URL": database}
        if (args.cache_from / "embedding_cache.sqlite").exists():
            copied = seed_cache(args.cache_from, Settings(database_url=database).catalog_url)
            print(f"shared cache seeded with {copied:,} vectors from {args.cache_from}")
        ingester = {**os.environ, **env, "POLICY_ASSISTANT_DATA_DIR": str(work / "ingester")}
        started = time.perf_counter()
        command = [str(CLI), "ingest", str(CORPUS), str(statutes)]
        subprocess.run(command, env=ingester, check=True, capture_output=True)
        print(f"first ingest: {time.perf_counter() - started:.0f} s")

        hosts = [start_host(work / name / "data", env) for name in ("host-b", "host-c")]
        load = Load([url for _, url in hosts], args.clients)
        try:
            load.start("before")
            time.sleep(args.seconds)
            last = load_file(sorted(statutes.iterdir())[-1]).doc_id
            mark = new_versions(statutes)
            load.start(f"during re-ingest of {args.statutes}")
            started = time.perf_counter()
            done = subprocess.run(command, env=ingester, capture_output=True, text=True)
            ended = time.perf_counter()
            load.start("after")
            generation = Catalog(Settings(database_url=database).catalog_url).generation()
            seen = [visible_after(url, generation, ended) for _, url in hosts]
            found = [top_document(url, mark) == last for _, url in hosts]
            time.sleep(args.seconds)
        finally:
            load.stop()
            for process, _ in hosts:
                process.terminate()
                process.wait(timeout=30)
    print(done.stdout[-1500:] if done.returncode == 0 else done.stderr[-3000:])
    print(f"re-ingest: {ended - started:.0f} s, exit {done.returncode}; generation {generation}")
    print(
        f"{'':34}{'clients':>8}{'requests':>10}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'failed':>8}"
    )
    for run in load.runs():
        print(
            f"{run.label:34}{run.clients:>10}{len(run.latencies):>10}{run.rate:>10.1f}"
            f"{run.percentile(0.5):>10.0f}{run.percentile(0.95):>10.0f}{run.errors:>10}"
        )
    for (_, url), seconds in zip(hosts, seen, strict=True):
        print(f"{url}: answering from generation {generation} {seconds:.1f} s after the ingest")
    print(f"the last statute's added paragraph ranked first on both hosts: {all(found)}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
