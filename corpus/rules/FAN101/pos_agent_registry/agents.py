"""Specialist agents, each asking a model; a router picks one per task."""
from openai import AsyncOpenAI

CLIENT = AsyncOpenAI()


class Specialist:
    prompt = ""

    async def answer(self, task: str) -> str:
        out = await CLIENT.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "system", "content": self.prompt}, {"role": "user", "content": task}]
        )
        return out.choices[0].message.content


class Coder(Specialist):
    prompt = "You write code."


class Writer(Specialist):
    prompt = "You write prose."
