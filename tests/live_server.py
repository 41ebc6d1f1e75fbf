"""A real `policy-assistant serve` process on a free loopback port, for the HTTP tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from evals.servers import free_port, wait_until_ready

CLI = Path(sys.executable).parent / "policy-assistant"


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    process: subprocess.Popen
    log: Path
    api_key: str | None = None
    admin_key: str | None = None

    def headers(self, key: str | None = None) -> dict[str, str]:
        key = key or self.api_key
        return {"Authorization": f"Bearer {key}"} if key else {}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(
    data_dir: Path,
    env: dict[str, str],
    api_key: str | None = None,
    admin_key: str | None = None,
    workers: int = 1,
    args: tuple[str, ...] = (),
    port: int | None = None,  # a restart takes the same port: the browser's storage is per port
) -> LiveServer:
    port = port or free_port()
    log = data_dir.parent / f"server-{port}.log"
    settings_env = {
        "POLICY_ASSISTANT_DATA_DIR": str(data_dir),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        # Tests send wrong keys from this one address on purpose; the back-off after failed
        # keys is tested where a test sets this lower (test_security_sessions).
        "POLICY_ASSISTANT_FAILED_KEYS_ALLOWED": "1000000",
        **env,
    }
    if api_key:
        settings_env["POLICY_ASSISTANT_API_KEYS"] = f"another-key,{api_key}"
    if admin_key:
        settings_env["POLICY_ASSISTANT_ADMIN_KEY"] = admin_key
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(CLI),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                *args,
            ],
            env={**os.environ, **settings_env},
            cwd=data_dir.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", data_dir, process, log, api_key, admin_key)
    wait_until_ready(process, f"{server.url}/healthz", log, 120)
    return server
