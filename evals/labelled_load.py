"""Access labels under load: clients with and without a label, while the admin re-ingests.

    python -m evals labelled-load [--seconds 60] [--clients 16]

Half the clients hold the label `hr`, half do not. Four policies carry it: one in every version,
and three only in some: in an older version, in an upcoming one, in the one in force. Every
client goes round the read routes, asking about all of them and the public policies: the chat
(JSON and streamed; today, and as of the older and the upcoming version's days), the OpenAI
route, search, the document list, each document, its versions on those days and its changes,
and the service's info. Meanwhile the admin re-ingests the folder over the API every two
seconds, alternating two versions of the policy labelled throughout and writing a new upcoming
version each time. Prints requests, errors, and leaks: a response to a caller without the label
that holds any word or date of a labelled version (a 404 only repeats the day asked about); and
the responses with restricted text the label's holder does get, proof that it flows.
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
from datetime import date
from pathlib import Path

import httpx

from evals.load_benchmark import CLI, start_server
from evals.servers import free_port

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
UPCOMING = date(date.today().year + 3, 2, 1).isoformat()
OLDER, NEWER, IN_FORCE = "friskvard-riktlinje", "distansarbete-riktlinje", "cykel-riktlinje"
# Policies whose versions carry different labels, dated by front matter or by file name:
# file → text ({note}: words of a re-ingest's own).
VERSIONED = {
    "friskvard-2019.md": """---
id: friskvard-riktlinje
title: Riktlinje för friskvård
organisation: Region Testland
effective_date: 2019-03-14
access: [hr]
---
# Riktlinje för friskvård

## Friskvårdsbidrag

Friskvårdsbidraget är 2 000 kronor per år och får även användas till hyra av massagestol
hos Bodils hälsostudio.
""",
    "friskvard-2023.md": """---
id: friskvard-riktlinje
title: Riktlinje för friskvård
organisation: Region Testland
effective_date: 2023-09-01
---
# Riktlinje för friskvård

## Friskvårdsbidrag

Friskvårdsbidraget är 3 000 kronor per år och betalas ut av löneenheten.
""",
    f"{NEWER}/2022-05-16.md": """---
title: Riktlinje för distansarbete
organisation: Region Testland
---
# Riktlinje för distansarbete

## Omfattning

Distansarbete får omfatta högst två dagar per vecka efter överenskommelse med närmaste chef.
""",
    f"{NEWER}/{UPCOMING}.md": """---
title: Riktlinje för distansarbete
organisation: Region Testland
access: [hr]
---
# Riktlinje för distansarbete

## Omfattning

Distansarbete får omfatta högst fyra dagar per vecka efter överenskommelse med Gunillas
personalutskott.{note}
""",
    f"{IN_FORCE}/2018-02-01.md": """---
title: Riktlinje för cykelförmån
organisation: Region Testland
---
# Riktlinje för cykelförmån

Cykelförmånen omfattar en elcykel per anställd och år.
""",
    f"{IN_FORCE}/2024-04-02.md": """---
title: Riktlinje för cykelförmån och bruttolöneavdrag
organisation: Region Testland
access: [hr]
---
# Riktlinje för cykelförmån och bruttolöneavdrag

Cykelförmånen omfattar en lånecykel från Torstens cykelverkstad och betalas genom
bruttolöneavdrag.
""",
}  # fmt: skip
# What only the labelled versions say, and when they take effect.
VERSIONED_SECRETS = ("massagestol", "bodils", "2 000 kronor", "fyra dagar", "gunillas",
                     "torstens", "bruttolöneavdrag", "2019-03-14", "2024-04-02",
                     UPCOMING)  # fmt: skip
SECRETS = ("lönerevision", "lönesättning", "hr-riktlinje", "lönesystemet", "intranätet",
           *VERSIONED_SECRETS)  # fmt: skip
REVISED = "Hur många dagar per vecka får distansarbete omfatta?"  # its next version is labelled
QUESTIONS = (  # (question, as_of)
    ("När genomförs lönerevisionen för sjuksköterskor?", None),
    ("Vem beslutar om lönesättning för sjuksköterskor?", None),
    ("Vem antar den internationella policyn i Dalarna?", None),
    (REVISED, None),
    ("Vad har ändrats i riktlinjen för friskvård?", None),
    ("Hur stort är friskvårdsbidraget?", "2020-01-01"),
    (REVISED, UPCOMING),
    ("Vad omfattar cykelförmånen?", None),
)
SEARCHES = (  # (query, as_of)
    ("friskvårdsbidrag massagestol", "2020-01-01"),
    ("distansarbete dagar per vecka", UPCOMING),
    ("cykelförmån lånecykel", None),
)
KEYS = {"hr-key": True, "plain-key": False}  # key → holds the label


def write_versioned(folder: Path, note: str = "") -> None:
    for name, text in VERSIONED.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text.replace("{note}", note), encoding="utf-8")


def prepare(root: Path) -> Path:
    folder = root / "policies"
    shutil.copytree(CORPUS, folder)
    (folder / "hr.md").write_text(RESTRICTED.format(version=VERSIONS[0]), encoding="utf-8")
    write_versioned(folder)
    (root / "access.yaml").write_text("keys:\n  hr-key: [hr]\n", encoding="utf-8")
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(root / "data")}
    subprocess.run([str(CLI), "ingest", str(folder)], env=env, check=True, capture_output=True)
    return folder


def requests() -> list[tuple[str, str, str, dict | None]]:
    """(route, method, path, JSON body): one round of every read route."""
    asked: list[tuple[str, str, str, dict | None]] = []
    for question, as_of in QUESTIONS:
        body = {"messages": [{"role": "user", "content": question}], "as_of": as_of}
        asked += [
            ("chat", "POST", "/v1/chat", body),
            ("chat stream", "POST", "/v1/chat", {**body, "stream": True}),
            ("openai", "POST", "/v1/chat/completions", body),
        ]
    for query, as_of in SEARCHES:
        asked.append(("search", "POST", "/v1/search", {"query": query, "k": 50, "as_of": as_of}))
    asked += [("documents", "GET", "/v1/documents?include_withdrawn=true", None),
              ("info", "GET", "/v1/info", None)]  # fmt: skip
    for doc_id in ("hr-riktlinje", OLDER, NEWER, IN_FORCE):
        asked += [
            ("document", "GET", f"/v1/documents/{doc_id}", None),
            ("changes", "GET", f"/v1/documents/{doc_id}/changes", None),
            ("changes", "GET", f"/v1/documents/{doc_id}/changes?to={UPCOMING}", None),
            ("changes", "GET", f"/v1/documents/{doc_id}/changes?to=2020-01-01", None),
        ]
        for day in ("2020-01-01", "2025-01-01", UPCOMING):
            asked.append(("version", "GET", f"/v1/documents/{doc_id}/versions/{day}", None))
    return asked


def ask_loop(url: str, key: str, stop: float, counts: Counter[str]) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        for route, method, path, body in itertools.cycle(requests()):
            if time.monotonic() > stop:
                return
            try:
                response = client.request(method, path, json=body)
            except httpx.HTTPError:
                counts[f"{key} errors"] += 1
                continue
            counts[f"{key} requests"] += 1
            if response.status_code not in (200, 404):
                counts[f"{key} errors"] += 1
            if response.status_code != 200:  # a 404 names only the document and day asked
                continue
            shown = response.text.lower()
            if any(secret in shown for secret in SECRETS):
                # For the key with the label, proof that the restricted text does flow.
                kind = "restricted answers" if KEYS[key] else "leaks"
                counts[f"{key} {kind}"] += 1
                counts[f"{key} {kind} from {route}"] += 1


def reingest_loop(url: str, folder: Path, stop: float, counts: Counter[str]) -> None:
    headers = {"Authorization": "Bearer admin-key"}
    for n, version in enumerate(itertools.cycle(VERSIONS[::-1]), start=1):
        if time.monotonic() > stop:
            return
        (folder / "hr.md").write_text(RESTRICTED.format(version=version), encoding="utf-8")
        write_versioned(folder, f" Ändrad i omgång {n}.")  # one more upcoming version
        done = httpx.post(
            f"{url}/v1/ingest", data={"paths": str(folder)}, headers=headers, timeout=60
        )
        counts["re-ingests"] += 1
        counts["re-ingest errors"] += done.status_code != 200
        time.sleep(2)


def report(counts: Counter[str], clients: int, seconds: float) -> None:
    print(f"{clients} clients for {seconds:.0f} s, re-ingesting every 2 s")
    names = [f"{k} {kind}" for k in KEYS for kind in ("requests", "errors")]
    names += ["hr-key restricted answers", "plain-key leaks", "re-ingests", "re-ingest errors"]
    for name in names:
        print(f"  {name:28} {counts[name]}")
    routes = sorted(name for name in counts if name.startswith("plain-key leaks from "))
    for name in routes:
        print(f"    {name.removeprefix('plain-key leaks '):26} {counts[name]}")


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
        port = free_port()  # another run may hold any fixed one
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
    report(counts, args.clients, args.seconds)
    sys.exit(1 if any(counts[f"{k} leaks"] for k in KEYS) else 0)


if __name__ == "__main__":
    main()
