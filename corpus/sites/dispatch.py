"""Tasks chosen by a condition, and a task that is the object itself."""
import asyncio


async def skip() -> None:
    return None


async def summarize(text: str) -> str:
    return text[:100]


async def summarize_present(pages: list[dict]) -> list:
    jobs = [skip() if not p.get("body") else summarize(p["body"]) for p in pages]
    return await asyncio.gather(*jobs)  # site: gather data


class Step:
    async def __call__(self, item: str) -> str:
        return item.upper()

    async def run_all(self, items: list[str]) -> list[str]:
        return await asyncio.gather(*[self(i) for i in items])  # site: gather data -> dispatch.py:Step.__call__
