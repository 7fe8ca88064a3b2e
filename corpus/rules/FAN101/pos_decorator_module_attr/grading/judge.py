"""The decorator factory, reached as an attribute of its module (`@judge.judge(...)`)."""
import asyncio


class Judge:
    def __init__(self, fn) -> None:
        self.fn = fn

    async def __call__(self, answer: str) -> str:
        return await self.fn(answer)

    async def judge_all(self, answers: list[str]) -> list[str]:
        return await asyncio.gather(*[self(a) for a in answers])  # expect: FAN101


def judge(label: str = ""):
    def wrap(fn):
        return Judge(fn)

    return wrap
