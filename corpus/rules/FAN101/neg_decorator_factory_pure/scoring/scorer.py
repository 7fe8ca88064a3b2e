"""A decorator factory whose decorated functions only compute: a fan-out of them awaits no I/O."""
import asyncio


class Scorer:
    def __init__(self, fn, name: str = "") -> None:
        self.fn = fn
        self.name = name

    async def __call__(self, row: dict) -> float:
        return await self.fn(row)

    async def score_all(self, rows: list[dict]) -> list[float]:
        return await asyncio.gather(*[self(r) for r in rows])


def scorer(name: str = ""):
    def wrap(fn):
        return Scorer(fn=fn, name=name)

    return wrap
