"""Token-bucket pacing done with asyncio sleeps and monotonic clocks."""
import asyncio
import time
from asyncio import sleep


class Pacer:
    def __init__(self, rate_per_sec: float) -> None:
        self.interval = 1.0 / rate_per_sec
        self.next_slot = time.monotonic()

    async def wait_turn(self) -> None:
        now = time.monotonic()
        if now < self.next_slot:
            await asyncio.sleep(self.next_slot - now)
        self.next_slot = max(now, self.next_slot) + self.interval


async def heartbeat(send, every: float = 15.0) -> None:
    started = time.perf_counter()
    while True:
        await send({"type": "ping", "uptime": time.perf_counter() - started})
        await sleep(every)


async def settle() -> None:
    await asyncio.sleep(1)
    deadline = time.time() + 5
    while time.time() < deadline:
        await asyncio.sleep(0.25)
