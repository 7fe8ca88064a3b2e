import asyncio
import logging
import time

log = logging.getLogger(__name__)


class Worker:
    """Scores items; `crunch` is CPU-bound and sync, called straight from the task."""

    def crunch(self, i: int) -> None:
        time.sleep(0.2)

    async def work(self, i: int) -> int:
        await asyncio.sleep(0.01)
        self.crunch(i)
        return i

    async def run_all(self, items: list[int]) -> list[int]:
        log.info("working on %d items", len(items))
        return await asyncio.gather(*[self.work(i) for i in items])
