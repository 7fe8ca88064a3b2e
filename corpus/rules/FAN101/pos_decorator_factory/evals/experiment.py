"""A decorator factory wraps each experiment function in an object that runs it over a dataset."""
import asyncio


class Experiment:
    def __init__(self, func, prefix: str = "") -> None:
        self.func = func
        self.prefix = prefix

    async def __call__(self, row: dict) -> dict:
        return await self.func(row)

    async def arun(self, dataset: list[dict]) -> list[dict]:
        tasks = [self(row) for row in dataset]
        results = []
        for done in asyncio.as_completed(tasks):  # expect: FAN101
            results.append(await done)
        return results


def experiment(prefix: str = ""):
    def decorator(func):
        return Experiment(func=func, prefix=prefix)

    return decorator
