"""A local stand-in for the embedding and index services (aiohttp, in a thread).

* ``POST /v1/embed`` ``{"inputs": [{"id", "text"}, ...]}`` -> ``{"vectors": [[float, ...], ...]}``
* ``POST /v1/index`` ``{"doc", "items": [{"id", "vector"}, ...]}`` -> ``{"written": int}``

Answers take 5-50 ms, except the one embed request that carries ``stall_id``,
which is held for ``stall_s`` seconds before it is answered normally.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import threading
from collections import Counter

from aiohttp import web

log = logging.getLogger("fakeserver")


class FakeServer:
    def __init__(self, *, stall_id: str, stall_s: float, seed: int = 7) -> None:
        self.stall_id = stall_id
        self.stall_s = stall_s
        self.rng = random.Random(seed)
        self.counters: Counter[str] = Counter()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="fakeserver", daemon=True)
        self.ready = threading.Event()
        self.port = 0

    async def embed(self, request: web.Request) -> web.Response:
        inputs = (await request.json())["inputs"]
        self.counters["embed"] += 1
        if any(item["id"] == self.stall_id for item in inputs):
            self.counters["embed_stalled"] += 1
            await asyncio.sleep(self.stall_s)
        else:
            await asyncio.sleep(self.rng.uniform(0.005, 0.05))
        vectors = [[b / 255 for b in hashlib.sha1(item["text"].encode()).digest()[:8]] for item in inputs]
        return web.json_response({"vectors": vectors})

    async def index(self, request: web.Request) -> web.Response:
        items = (await request.json())["items"]
        self.counters["index"] += 1
        await asyncio.sleep(self.rng.uniform(0.005, 0.02))
        return web.json_response({"written": len(items)})

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.add_routes([web.post("/v1/embed", self.embed), web.post("/v1/index", self.index)])
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
        log.info("fake embedding service listening on 127.0.0.1:%d", self.port)
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
