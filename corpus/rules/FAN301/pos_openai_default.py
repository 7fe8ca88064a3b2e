"""Customer-support QA: one chat completion per question, OpenAI default 600 s timeout."""
import asyncio
import logging

import openai

log = logging.getLogger(__name__)


class SupportBot:
    def __init__(self, system_prompt: str):
        self.system_prompt = system_prompt
        self.client = openai.AsyncOpenAI()

    async def answer(self, question: str) -> str:
        completion = await self.client.chat.completions.create(
            model="gpt-4o",
            messages=[
                {"role": "system", "content": self.system_prompt},
                {"role": "user", "content": question},
            ],
        )
        return completion.choices[0].message.content or ""

    async def answer_all(self, questions: list[str]) -> list[str]:
        answers = await asyncio.gather(*[self.answer(q) for q in questions])  # expect: FAN301
        log.info("answered %d questions", len(answers))
        return answers
