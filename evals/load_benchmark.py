"""`/v1/chat` under load, next to the service called in-process on the same questions.

    python -m evals load-benchmark [--data-dir data] [--seconds 20] [--clients 1 8 16]
                                   [--workers 1 2]

Starts `policy-assistant serve --workers W` on a loopback port over an already ingested data
directory (`make run` leaves one in data/), reports how long the server took to answer
`/healthz` with "ready", then sends the gold set's questions from 1, 8 and 16 concurrent
clients (one keep-alive connection each) for a fixed time, for each number of workers. The
baseline, in the same run, is `Assistant.ask` called directly in this process, by the same
numbers of threads, with questions that arrive together embedded in one batch (as the server
does) and one at a time: the ratio shows what batching gains, and what HTTP, JSON and the
server's thread pool cost on top of answering.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.types import Message
from evals.gold import load_gold

CLI = Path(sys.executable).parent / "policy-assistant"


@dataclass
class Run:
    label: str
    clients: int
    latencies: list[float]
    seconds: float
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def questions() -> list[str]:
    return [item.turns[0] for item in load_gold()]


def start_server(
    data_dir: Path, port: int, log: Path, workers: int = 1
) -> tuple[subprocess.Popen, float]:
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data_dir.resolve())}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(CLI), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    while True:
        if process.poll() is not None:
            raise SystemExit(f"the server exited; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.05)


def load(url: str, asked: list[str], clients: int, seconds: float) -> Run:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        with httpx.Client(timeout=30) as http:
            n = offset
            while time.perf_counter() < deadline:
                body = {"messages": [{"role": "user", "content": asked[n % len(asked)]}]}
                started = time.perf_counter()
                response = http.post(f"{url}/v1/chat", json=body)
                elapsed = time.perf_counter() - started
                with lock:
                    if response.status_code == 200:
                        latencies.append(elapsed)
                    else:
                        errors += 1
                n += clients

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run("HTTP /v1/chat", clients, latencies, time.perf_counter() - started, errors)


def in_process(assistant: Assistant, asked: list[str], clients: int, seconds: float) -> Run:
    """`clients` threads calling `ask` as fast as they can, like the server's thread pool."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        n = offset
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            assistant.ask([Message("user", asked[n % len(asked)])])
            with lock:
                latencies.append(time.perf_counter() - t)
            n += clients

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    batching = "batched" if assistant.store.embedder.batch_queries else "one by one"
    return Run(f"in-process, {batching}", clients, latencies, time.perf_counter() - started, 0)


def worker_rss_mb(process: subprocess.Popen) -> list[float]:
    """Resident memory of each server process (the workers, or the server itself)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    pids = [int(p) for p in children] or [process.pid]
    sizes = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
        sizes.append(int(line.split()[1]) / 1024)
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--seconds", type=float, default=20.0, help="per measurement")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 16])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args(argv)

    asked = questions()
    log = Path(tempfile.gettempdir()) / "policy-assistant-load.log"
    runs: list[Run] = []
    for workers in args.workers:
        process, ready = start_server(args.data_dir, args.port, log, workers)
        try:
            url = f"http://127.0.0.1:{args.port}"
            info = httpx.get(f"{url}/v1/info").json()
            load(url, asked, max(args.clients), 2.0)  # warm every worker and connection
            for clients in args.clients:
                run = load(url, asked, clients, args.seconds)
                run.label = f"HTTP, {workers} worker{'s' if workers > 1 else ''}"
                runs.append(run)
            rss = ", ".join(f"{size:.0f}" for size in worker_rss_mb(process))
            print(f"{workers} worker(s): ready in {ready:.1f} s, RSS per worker {rss} MB")
        finally:
            process.terminate()
            process.wait(timeout=30)
    assistant = Assistant(Settings(data_dir=args.data_dir))
    assistant.warm_up()
    baselines = []
    for batching in (True, False):
        assistant.store.embedder.batch_queries = batching
        baselines += [in_process(assistant, asked, c, args.seconds) for c in args.clients]

    print(f"index: {info['documents']} documents, {info['chunks']} chunks; {len(asked)} questions")
    print(
        f"{'':24}{'clients':>8}{'requests':>10}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>8}"
    )
    for run in [*baselines, *runs]:
        print(
            f"{run.label:24}{run.clients:>8}{len(run.latencies):>10}{run.rate:>8.1f}"
            f"{run.percentile(0.5):>8.0f}{run.percentile(0.95):>8.0f}{run.errors:>8}"
        )
    one_by_one = {r.clients: r for r in baselines if "one by one" in r.label}
    for run in baselines:
        if "batched" in run.label:
            plain = one_by_one[run.clients]
            print(
                f"batched / one by one ({run.clients} threads): throughput "
                f"{run.rate / plain.rate:.2f}, p50 latency "
                f"{statistics.median(run.latencies) / statistics.median(plain.latencies):.2f}"
            )


if __name__ == "__main__":
    main()
