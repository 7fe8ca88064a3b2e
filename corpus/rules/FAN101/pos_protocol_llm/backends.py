"""A backend that satisfies ChatModel structurally."""
from anthropic import AsyncAnthropic


class ClaudeBackend:
    def __init__(self) -> None:
        self.client = AsyncAnthropic()

    async def reply(self, prompt: str) -> str:
        msg = await self.client.messages.create(
            model="claude-3-5-haiku-latest", max_tokens=512, messages=[{"role": "user", "content": prompt}]
        )
        return msg.content[0].text
