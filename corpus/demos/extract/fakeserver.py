"""A local stand-in for a rate-limited completion API (aiohttp, in a thread).

``POST /v1/complete`` ``{"prompt": str}`` -> ``{"text": str}`` (a JSON object as text).

At most ``per_second`` requests are admitted per one-second window (the window
opens with the first request after the previous one closed); the rest get
``429 Too Many Requests`` at once. Admitted requests take 100-300 ms.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import re
import threading
import time
from collections import Counter

from aiohttp import web

log = logging.getLogger("fakeserver")


class FakeServer:
    def __init__(self, *, per_second: int = 20, seed: int = 7) -> None:
        self.per_second = per_second
        self.rng = random.Random(seed)
        self.counters: Counter[str] = Counter()
        self.attempts: Counter[str] = Counter()  # per prompt, to count retries
        self.window_start, self.window_count = 0.0, 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="fakeserver", daemon=True)
        self.ready = threading.Event()
        self.port = 0

    async def complete(self, request: web.Request) -> web.Response:
        prompt = (await request.json())["prompt"]
        key = hashlib.sha1(prompt.encode()).hexdigest()
        self.counters["requests"] += 1
        self.counters["retries"] += self.attempts[key] > 0
        self.attempts[key] += 1
        now = time.monotonic()
        if now - self.window_start >= 1.0:
            self.window_start, self.window_count = now, 0
            self.counters["windows"] += 1
        self.window_count += 1
        if self.window_count > self.per_second:
            self.counters["429"] += 1
            return web.json_response({"error": "rate limit exceeded"}, status=429)
        self.counters["200"] += 1
        await asyncio.sleep(self.rng.uniform(0.1, 0.3))
        doc = (re.findall(r"Extract the fields of \[([^\]]+)\]", prompt) or ["collection"])[-1]
        names = sorted(set(re.findall(r"\b[A-Z][a-z]{3,}\b", prompt[-2000:])))[:3]
        return web.json_response({"text": json.dumps({"doc": doc, "entities": names,
                                                      "year": 1990 + int(key[:4], 16) % 35})})

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.add_routes([web.post("/v1/complete", self.complete)])
        runner = web.AppRunner(app)
        self.loop.run_until_complete(runner.setup())
        self.loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
        self.port = runner.addresses[0][1]
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())
        self.loop.close()

    def start(self) -> str:
        self.thread.start()
        self.ready.wait(10)
        log.info("fake completion API listening on 127.0.0.1:%d (%d requests/s)", self.port, self.per_second)
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def stats(self) -> dict[str, int]:
        return dict(self.counters, max_attempts=max(self.attempts.values(), default=0))
