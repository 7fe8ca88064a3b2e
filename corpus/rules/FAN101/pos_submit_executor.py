"""A small executor queues callables and runs them all at once."""
import asyncio

import httpx


class Executor:
    def __init__(self) -> None:
        self.jobs: list[tuple] = []

    def submit(self, fn, *args) -> None:
        self.jobs.append((fn, args))

    async def results(self) -> list:
        return await asyncio.gather(*[fn(*args) for fn, args in self.jobs])


async def score(row: dict) -> float:
    async with httpx.AsyncClient(timeout=10) as client:
        return (await client.post("https://judge.example.com/score", json=row)).json()["score"]


async def score_all(rows: list[dict]) -> list:
    ex = Executor()
    for row in rows:
        ex.submit(score, row)  # expect: FAN101
    return await ex.results()
