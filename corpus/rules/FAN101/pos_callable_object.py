"""An experiment object runs its wrapped function over every row at once."""
import asyncio

import httpx


async def grade(row: dict) -> float:
    async with httpx.AsyncClient(timeout=30) as client:
        resp = await client.post("https://grader.example.com/score", json=row)
        return resp.json()["score"]


class Experiment:
    def __init__(self, func) -> None:
        self.func = func

    async def __call__(self, row: dict) -> float:
        return await self.func(row)

    async def run(self, rows: list[dict]) -> list[float]:
        pending = [self(r) for r in rows]
        return [await p for p in asyncio.as_completed(pending)]  # expect: FAN101


GRADING = Experiment(grade)
