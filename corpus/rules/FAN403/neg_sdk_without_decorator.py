"""Translator relying on the SDK's built-in retries only (no retry decorator)."""
import anthropic
from openai import AsyncOpenAI

openai_client = AsyncOpenAI(max_retries=4, timeout=60.0)


class Translator:
    def __init__(self) -> None:
        self.claude = anthropic.AsyncAnthropic(timeout=90.0)

    async def translate(self, text: str, target: str) -> str:
        message = await self.claude.messages.create(
            model="claude-haiku-4-5",
            max_tokens=2048,
            messages=[{"role": "user", "content": f"Translate to {target}:\n\n{text}"}],
        )
        return message.content[0].text

    async def back_translate(self, text: str, source: str) -> str:
        completion = await openai_client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": f"Translate back to {source}:\n\n{text}"}],
        )
        return completion.choices[0].message.content or ""
