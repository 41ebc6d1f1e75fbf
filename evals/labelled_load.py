"""Access labels under load: clients with and without a label, while the admin re-ingests.

    python -m evals labelled-load [--seconds 60] [--clients 16]

Half the clients hold the label `hr` of a restricted policy, half do not; all ask about it and
about the public policies. Meanwhile the admin re-ingests the restricted policy over the API
every two seconds, alternating two versions. Prints requests, errors, and leaks: answers to a
caller without the label that contain any of the restricted policy's text.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from evals.load_benchmark import CLI, start_server

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
RESTRICTED = """---
id: hr-riktlinje
title: Riktlinje för lönesättning
organisation: Region Testland
access: [hr]
---
# Riktlinje för lönesättning

Lönerevisionen för sjuksköterskor genomförs från och med 2027 i april och beslutas av
personalchefen. {version}
"""
VERSIONS = ("Beslutet dokumenteras i lönesystemet.", "Beslutet anslås på intranätet.")
SECRETS = ("lönerevision", "lönesättning", "hr-riktlinje", "lönesystemet", "intranätet")
QUESTIONS = (
    "När genomförs lönerevisionen för sjuksköterskor?",
    "Vem beslutar om lönesättning för sjuksköterskor?",
    "Vem antar den internationella policyn i Dalarna?",
)
KEYS = {"hr-key": True, "plain-key": False}  # key → holds the label


def prepare(root: Path) -> Path:
    folder = root / "policies"
    shutil.copytree(CORPUS, folder)
    (folder / "hr.md").write_text(RESTRICTED.format(version=VERSIONS[0]), encoding="utf-8")
    (root / "access.yaml").write_text("keys:\n  hr-key: [hr]\n", encoding="utf-8")
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(root / "data")}
    subprocess.run([str(CLI), "ingest", str(folder)], env=env, check=True, capture_output=True)
    return folder


def ask_loop(url: str, key: str, stop: float, counts: Counter[str]) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(timeout=30) as client:
        for question in itertools.cycle(QUESTIONS):
            if time.monotonic() > stop:
                return
            body = {"messages": [{"role": "user", "content": question}]}
            try:
                response = client.post(f"{url}/v1/chat", json=body, headers=headers)
            except httpx.HTTPError:
                counts[f"{key} errors"] += 1
                continue
            counts[f"{key} requests"] += 1
            if response.status_code != 200:
                counts[f"{key} errors"] += 1
            shown = response.text.lower()
            if any(secret in shown for secret in SECRETS):
                # For the key with the label, proof that the restricted text does flow.
                counts[f"{key} {'restricted answers' if KEYS[key] else 'leaks'}"] += 1


def reingest_loop(url: str, folder: Path, stop: float, counts: Counter[str]) -> None:
    headers = {"Authorization": "Bearer admin-key"}
    for version in itertools.cycle(VERSIONS[::-1]):
        if time.monotonic() > stop:
            return
        (folder / "hr.md").write_text(RESTRICTED.format(version=version), encoding="utf-8")
        done = httpx.post(
            f"{url}/v1/ingest", data={"paths": str(folder)}, headers=headers, timeout=60
        )
        counts["re-ingests"] += 1
        counts["re-ingest errors"] += done.status_code != 200
        time.sleep(2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        folder = prepare(root)
        os.environ.update(
            POLICY_ASSISTANT_API_KEYS="hr-key,plain-key",
            POLICY_ASSISTANT_ADMIN_KEY="admin-key",
            POLICY_ASSISTANT_ACCESS=str(root / "access.yaml"),
            POLICY_ASSISTANT_INGEST_ROOTS=str(folder),
        )
        port = 8790
        process, _ = start_server(root / "data", port, root / "server.log")
        url = f"http://127.0.0.1:{port}"
        counts: Counter[str] = Counter()
        stop = time.monotonic() + args.seconds
        keys = itertools.islice(itertools.cycle(KEYS), args.clients)
        threads = [threading.Thread(target=ask_loop, args=(url, k, stop, counts)) for k in keys]
        threads.append(threading.Thread(target=reingest_loop, args=(url, folder, stop, counts)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        process.terminate()
        process.wait(timeout=30)
    print(f"{args.clients} clients for {args.seconds:.0f} s, re-ingesting every 2 s")
    names = [f"{k} {kind}" for k in KEYS for kind in ("requests", "errors")]
    names += ["hr-key restricted answers", "plain-key leaks", "re-ingests", "re-ingest errors"]
    for name in names:
        print(f"  {name:28} {counts[name]}")
    sys.exit(1 if any(counts[f"{k} leaks"] for k in KEYS) else 0)


if __name__ == "__main__":
    main()
