"""Every question goes through an async Haystack pipeline (retriever + generator) at once."""
import asyncio

from haystack import AsyncPipeline


class QA:
    def __init__(self, retriever, generator) -> None:
        self.pipe = AsyncPipeline()
        self.pipe.add_component("retriever", retriever)
        self.pipe.add_component("llm", generator)

    async def ask(self, question: str) -> str:
        out = await self.pipe.run_async({"retriever": {"query": question}})
        return out["llm"]["replies"][0]

    async def ask_all(self, questions: list[str]) -> list[str]:
        return await asyncio.gather(*(self.ask(q) for q in questions))  # expect: FAN101
