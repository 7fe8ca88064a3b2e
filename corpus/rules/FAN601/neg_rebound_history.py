"""The transcript the method walks is replaced on every call: it is per-task state."""
import asyncio

from openai import AsyncOpenAI

CLIENT = AsyncOpenAI()


class Session:
    def __init__(self) -> None:
        self.turns: list[str] = []

    def _transcript(self) -> str:
        return "\n".join(t for t in self.turns)

    async def answer(self, question: str) -> str:
        self.turns = [question]
        prompt = self._transcript()
        out = await CLIENT.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
        return out.choices[0].message.content

    async def answer_all(self, questions: list[str]) -> list[str]:
        return await asyncio.gather(*[Session().answer(q) for q in questions])
