"""A pass-through in front of the real model server that keeps what it was asked and what it
wrote: the tests see the very messages the site's language model received, and its reply, with
nothing of the product replaced."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from evals.servers import ModelServer

PASSED_ON = ("content-type", "cache-control")


@dataclass
class Exchange:
    request: dict  # the chat request's JSON body
    reply: str = ""  # what the model wrote, as far as the product read it

    @property
    def system(self) -> str:
        return next(m["content"] for m in self.request["messages"] if m["role"] == "system")


class RecordingProxy:
    def __init__(self, model: ModelServer) -> None:
        self.upstream = model.url.removesuffix("/v1")
        self.exchanges: list[Exchange] = []  # the chat requests, in order
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._forward("GET", None, None)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                exchange = None
                if self.path.endswith("/chat/completions"):
                    exchange = Exchange(json.loads(body))
                    proxy.exchanges.append(exchange)
                self._forward("POST", body, exchange)

            def _forward(self, method: str, body: bytes | None, exchange: Exchange | None) -> None:
                # HTTP/1.0, as BaseHTTPRequestHandler speaks it: the body ends when the
                # connection closes, so each streamed line is passed on as it comes.
                headers = {"Content-Type": self.headers.get("Content-Type", "application/json")}
                url = proxy.upstream + self.path
                with httpx.stream(method, url, content=body, headers=headers, timeout=300) as r:
                    self.send_response(r.status_code)
                    for name in PASSED_ON:
                        if name in r.headers:
                            self.send_header(name, r.headers[name])
                    self.end_headers()
                    try:
                        for line in r.iter_lines():
                            if exchange is not None:
                                exchange.reply += _delta(line)
                            self.wfile.write(f"{line}\n".encode())
                            self.wfile.flush()
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the product stopped reading (its deadline): so does the proxy

            def log_message(self, *args) -> None:  # quiet: pytest shows what failed
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _delta(line: str) -> str:
    """The text one streamed chat-completion event adds."""
    if not line.startswith("data: {"):
        return ""
    choices = json.loads(line[6:]).get("choices") or [{}]
    return (choices[0].get("delta") or {}).get("content") or ""
