"""A summarizer base class: the fan-out is written against an abstract method."""
import abc
import asyncio


class Summarizer(abc.ABC):
    @abc.abstractmethod
    async def summarize_one(self, text: str) -> str:
        """Implemented by each backend."""

    async def summarize_many(self, texts: list[str]) -> list[str]:
        return await asyncio.gather(*[self.summarize_one(t) for t in texts])  # expect: FAN101
