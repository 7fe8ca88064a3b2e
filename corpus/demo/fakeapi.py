"""A small stand-in for a hosted LLM API, good enough to drive the demo pipeline.

Endpoints (JSON in, JSON out):

* ``POST /v1/complete`` ``{"prompt": str, "max_tokens": int}`` -> ``{"text": str}``
* ``POST /v1/search``   ``{"query": str, "k": int}``            -> ``[{"id", "title", "url", "text"}, ...]``

Latency is long-tailed (lognormal) and a fraction of requests is rejected
with ``429 Too Many Requests`` so that client retry behaviour shows up.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

logger = logging.getLogger(__name__)

FILLER = (
    "latency throughput backpressure scheduling consistency replication quorum "
    "partition caching eviction batching streaming checkpoint recovery sharding "
    "benchmark workload tail percentile contention isolation coordination "
    "tradeoff baseline evaluation deployment regression observability budget"
).split()
STOPWORDS = set((
    "about these those which there their would should question answer write notes using "
    "context summarize research assistant search queries numbering commentary below "
    "together propose section sections heading headings report technical introduction "
    "paragraph abstract sentence sentences excerpt sources following based keeping numbers "
    "short questions"
).split())


class FakeLLMServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, addr: tuple[str, int], *, latency_scale: float = 1.0,
                 rate_limit_p: float = 0.05, seed: int = 7) -> None:
        super().__init__(addr, FakeLLMHandler)
        self.latency_scale = latency_scale
        self.rate_limit_p = rate_limit_p
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()
        self.stats = {"complete": 0, "search": 0, "rate_limited": 0}

    def draw(self) -> tuple[float, bool]:
        """Return (latency seconds, rate limited?) for one request."""
        # median 50 ms, p99 ~1.5 s before scaling
        with self.rng_lock:
            latency = self.rng.lognormvariate(math.log(0.05), 1.45)
            limited = self.rng.random() < self.rate_limit_p
        return min(latency, 4.0) * self.latency_scale, limited

    def count(self, key: str) -> None:
        with self.rng_lock:
            self.stats[key] += 1


class FakeLLMHandler(BaseHTTPRequestHandler):
    server: FakeLLMServer
    protocol_version = "HTTP/1.1"
    server_version = "FakeLLM/0.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._send(400, {"error": "invalid JSON"})
            return
        if self.path not in ("/v1/complete", "/v1/search"):
            self._send(404, {"error": f"no route {self.path}"})
            return

        latency, limited = self.server.draw()
        if limited:
            self.server.count("rate_limited")
            time.sleep(latency / 10)
            self._send(429, {"error": "rate limit exceeded"}, {"Retry-After": "0"})
            return

        if self.path == "/v1/complete":
            self.server.count("complete")
            prompt = str(body.get("prompt", ""))
            # Longer prompts cost a little more, as prefill does on a real model.
            time.sleep(latency + len(prompt) * 2e-6 * self.server.latency_scale)
            self._send(200, {"text": complete(prompt, int(body.get("max_tokens", 64)))})
        else:
            self.server.count("search")
            time.sleep(latency * 0.6)
            self._send(200, search(str(body.get("query", "")), int(body.get("k", 4))))

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _keywords(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for word in re.findall(r"[a-z]{5,}", text.lower()):
        if word not in STOPWORDS:
            seen.setdefault(word)
    return list(seen)[:40] or FILLER[:5]


def complete(prompt: str, max_tokens: int) -> str:
    rng = random.Random(hashlib.sha1(prompt.encode()).digest())
    words = _keywords(prompt)
    n_lines = rng.randint(max(1, max_tokens // 24), max(1, max_tokens // 12))
    lines = []
    for _ in range(n_lines):
        picked = rng.sample(words, min(len(words), rng.randint(2, 4))) + rng.sample(FILLER, 2)
        rng.shuffle(picked)
        lines.append(" ".join(picked))
    return "\n".join(lines)


def search(query: str, k: int) -> list[dict[str, str]]:
    rng = random.Random(query)
    words = _keywords(query)
    docs = []
    for i in range(max(0, min(k, 10))):
        doc_id = hashlib.sha1(f"{query}/{i}".encode()).hexdigest()[:10]
        sentences = []
        while sum(len(s) for s in sentences) < rng.randint(250, 600):
            picked = rng.sample(FILLER, 5) + rng.sample(words, min(2, len(words)))
            rng.shuffle(picked)
            sentences.append(" ".join(picked).capitalize() + ".")
        docs.append({
            "id": doc_id,
            "title": " ".join(w.capitalize() for w in rng.sample(words + FILLER, 4)),
            "url": f"https://papers.example.org/{doc_id}",
            "text": " ".join(sentences),
        })
    return docs


def serve_in_background(*, latency_scale: float = 1.0, seed: int = 7) -> FakeLLMServer:
    """Start the fake API on an ephemeral port of 127.0.0.1 in a daemon thread."""
    server = FakeLLMServer(("127.0.0.1", 0), latency_scale=latency_scale, seed=seed)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), name="fakeapi", daemon=True)
    thread.start()
    logger.info("fake LLM API listening on 127.0.0.1:%d", server.server_address[1])
    return server
