"""Grader: the chat client is handed in by the application; nothing sets its timeout here."""
import asyncio


class Grader:
    def __init__(self, llm):
        self.llm = llm

    async def grade(self, answer: str) -> str:
        out = await self.llm.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": f"Grade: {answer}"}]
        )
        return out.choices[0].message.content

    async def grade_all(self, answers: list[str]) -> list[str]:
        return await asyncio.gather(*[self.grade(a) for a in answers])  # expect: FAN301
