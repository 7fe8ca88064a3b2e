"""A bare decorator wraps each step function in an object that maps it over a batch of items."""
import asyncio


class Step:
    def __init__(self, fn) -> None:
        self.fn = fn

    async def __call__(self, item: dict) -> dict:
        return await self.fn(item)

    async def map(self, items: list[dict]) -> list[dict]:
        return await asyncio.gather(*[self(i) for i in items])  # expect: FAN101


def step(fn):
    return Step(fn)
