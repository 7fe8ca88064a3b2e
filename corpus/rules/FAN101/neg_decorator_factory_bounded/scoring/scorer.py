"""A decorator factory whose wrapper holds one semaphore around every decorated call."""
import asyncio


class Scorer:
    def __init__(self, fn, name: str = "") -> None:
        self.fn = fn
        self.name = name
        self.sem = asyncio.Semaphore(4)

    async def __call__(self, row: dict) -> float:
        async with self.sem:
            return await self.fn(row)

    async def score_all(self, rows: list[dict]) -> list[float]:
        return await asyncio.gather(*[self(r) for r in rows])


def scorer(name: str = ""):
    def wrap(fn):
        return Scorer(fn=fn, name=name)

    return wrap
