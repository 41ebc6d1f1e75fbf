"""Questions over HTTP while an admin ingests a large document over the API, before and after.

    python -m evals ingest-load-benchmark [--before main] [--statutes FILE ...] [--rounds 1]
                                          [--idle-seconds 20] [--clients 1] [--all-cores] [--cli]

Starts `policy-assistant serve` (one process, as a serving host runs it) over corpus/ and
asks the gold set's questions over `/v1/chat`, one after another: idle, then while an admin
uploads the statutes, joined into one large document, to `/v1/ingest` until that ingest
returns, then idle again (the idle figures pool both sides, as the machine's load drifts).
It does so for this checkout's code and for the code at `--before` (git archive of that
commit, run by the same interpreter), each on a fresh copy of one data directory, so each
embeds the whole upload. With `--all-cores`, also this checkout with the ingest's threads
unbounded (POLICY_ASSISTANT_INGEST_THREADS = the cores). With `--cli`, a maintainer's
`policy-assistant ingest` of the same document, a process of its own on the serving host,
takes the upload's place. It prints question p50/p95 idle and
during the ingest, the ratio of the p95s, and the ingest's own time, side by side, with the
machine's load average: other work on the machine moves every figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import httpx

from evals.distractors import DEFAULT_SFS
from evals.load_benchmark import questions
from evals.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "benchmark-admin-key"
# Two long statutes, 298 + 287 paragraphs: minutes of embedding on two cores.
STATUTES = ("1997/sfs-1997-191.md", "1965/sfs-1965-908.md")


@dataclass
class Variant:
    label: str
    code: Path  # the folder whose `assistant` package the server runs
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    label: str
    idle: list[float]
    during: list[float]
    ingest_seconds: float
    chunks: int
    load: tuple[float, float]  # the machine's 1-minute load average at start and end


def percentile(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def checkout(ref: str, folder: Path) -> Path:
    """The product's code at `ref`, extracted (no git work tree is touched)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "assistant", "ingest"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def large_document(statutes: list[Path]) -> bytes:
    """The statutes' texts as one Markdown document with an id of its own."""
    bodies = [path.read_text(encoding="utf-8").split("---\n", 2)[2] for path in statutes]
    front = "---\nid: benchmark-upload\ntitle: Sammanfogade författningar\n---\n"
    return (front + "\n\n".join(bodies)).encode()


def serve(variant: Variant, data: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        **variant.env,
        "PYTHONPATH": str(variant.code),  # before the installed (editable) package
        "POLICY_ASSISTANT_DATA_DIR": str(data),
        "POLICY_ASSISTANT_ADMIN_KEY": ADMIN,
    }
    command = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, cwd=data.parent, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        if process.poll() is not None:
            raise SystemExit(f"the server exited; see {log}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).json().get("status") == "ready":
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.1)


def ask(url: str, clients: int, until: threading.Event, seconds: float | None) -> list[float]:
    """Latencies of `clients` clients asking the gold questions until `until` (or `seconds`)."""
    asked, latencies = questions(), []
    deadline = time.perf_counter() + seconds if seconds else None

    def client(offset: int) -> None:
        with httpx.Client(timeout=300) as http:
            n = offset
            while not until.is_set() and (deadline is None or time.perf_counter() < deadline):
                body = {"messages": [{"role": "user", "content": asked[n % len(asked)]}]}
                started = time.perf_counter()
                http.post(f"{url}/v1/chat", json=body).raise_for_status()
                latencies.append(time.perf_counter() - started)
                n += clients

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def measure(
    variant: Variant, base: Path, folder: Path, upload: bytes, args: argparse.Namespace
) -> Result:
    data = folder / "data"
    shutil.copytree(base, data)
    load_before = os.getloadavg()[0]
    process, url = serve(variant, data, folder / "server.log")
    try:
        ask(url, args.clients, threading.Event(), 3.0)  # warm the connection and the caches
        idle = ask(url, args.clients, threading.Event(), args.idle_seconds)
        done, reply = threading.Event(), {}

        def ingest() -> None:
            try:
                if args.cli:
                    reply["body"] = ingest_by_cli(variant, data, folder, upload, url)
                else:
                    files = {"files": ("sammanfogade.md", upload)}
                    headers = {"Authorization": f"Bearer {ADMIN}"}
                    reply["body"] = httpx.post(
                        f"{url}/v1/ingest", files=files, headers=headers, timeout=3600
                    ).json()
            finally:
                done.set()

        uploader = threading.Thread(target=ingest)
        uploader.start()
        during = ask(url, args.clients, done, None)
        uploader.join()
        idle += ask(url, args.clients, threading.Event(), args.idle_seconds)
    finally:
        process.terminate()
        process.wait(timeout=60)
    body = reply["body"]
    if body.get("failed") or not body.get("added"):
        raise SystemExit(f"{variant.label}: the upload was not ingested: {body}")
    load = (load_before, os.getloadavg()[0])
    return Result(variant.label, idle, during, body["seconds"], body["chunks"], load)


def ingest_by_cli(variant: Variant, data: Path, folder: Path, upload: bytes, url: str) -> dict:
    """The document ingested by the CLI in a process of its own, as a maintainer runs it; the
    same fields as the upload's reply."""
    path = folder / "upload" / "sammanfogade.md"
    path.parent.mkdir()
    path.write_bytes(upload)
    env = {**os.environ, **variant.env, "PYTHONPATH": str(variant.code)}
    env["POLICY_ASSISTANT_DATA_DIR"] = str(data)
    before = httpx.get(f"{url}/v1/info", timeout=60).json()["chunks"]
    started = time.perf_counter()
    command = [sys.executable, "-m", "assistant.cli", "ingest", str(path.parent)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        return {"failed": done.stdout + done.stderr}
    after = httpx.get(f"{url}/v1/info", timeout=60).json()["chunks"]
    return {"added": ["benchmark-upload"], "seconds": seconds, "chunks": after - before}


def print_results(results: list[Result]) -> None:
    head = ("idle p50", "idle p95", "ingest p50", "ingest p95", "p95 ×", "asked", "ingest s")
    widths = (10, 10, 12, 12, 8, 10, 10)

    def row(label: str, cells: tuple[str, ...]) -> str:
        return f"{label:<30}" + "".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True))

    print(row("", head))
    for r in results:
        idle95, during95 = percentile(r.idle, 0.95), percentile(r.during, 0.95)
        cells = (
            f"{percentile(r.idle, 0.5):.0f}",
            f"{idle95:.0f}",
            f"{percentile(r.during, 0.5):.0f}",
            f"{during95:.0f}",
            f"{during95 / idle95:.1f}" if idle95 else "-",
            f"{len(r.idle)}/{len(r.during)}",
            f"{r.ingest_seconds:.0f}",
        )
        print(row(r.label, cells))
    for r in results:
        print(
            f"{r.label}: {r.chunks} paragraphs ingested at {r.chunks / r.ingest_seconds:.1f}/s; "
            f"load average {r.load[0]:.1f} → {r.load[1]:.1f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="main", help="the commit to compare with")
    parser.add_argument("--statutes", nargs="+", default=list(STATUTES), help="under sfs/")
    parser.add_argument("--idle-seconds", type=float, default=20.0, help="before and after")
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1, help="each variant, alternately")
    parser.add_argument("--all-cores", action="store_true", help="also unbounded ingest threads")
    parser.add_argument("--cli", action="store_true", help="ingest with the CLI, not the API")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="policy-assistant-ingest-load-"))
    upload = large_document([DEFAULT_SFS / name for name in args.statutes])
    base = work / "base" / "data"
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(base)}
    command = [sys.executable, "-m", "assistant.cli", "ingest", str(ROOT / "corpus")]
    subprocess.run(command, env=env, check=True, capture_output=True)
    variants = [
        Variant(f"before ({args.before})", checkout(args.before, work / "before")),
        Variant("after (this checkout)", ROOT),
    ]
    if args.all_cores:
        cores = str(len(os.sched_getaffinity(0)))
        env = {"POLICY_ASSISTANT_INGEST_THREADS": cores}
        variants.append(Variant(f"after, ingest on {cores} threads", ROOT, env))
    results = []
    for round_ in range(args.rounds):
        for number, variant in enumerate(variants):
            folder = work / f"round-{round_}-variant-{number}"
            results.append(measure(variant, base, folder, upload, args))
            print(f"measured {variant.label}", flush=True)
    print_results(results)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
