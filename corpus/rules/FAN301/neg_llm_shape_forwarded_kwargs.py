"""Summariser: request options (timeout among them) are forwarded to the unknown client."""
import asyncio


class Summariser:
    def __init__(self, llm, **request_options):
        self.llm = llm
        self.request_options = request_options

    async def summarise(self, text: str) -> str:
        out = await self.llm.messages.create(
            model="claude-3-5-haiku-latest",
            max_tokens=300,
            messages=[{"role": "user", "content": text}],
            **self.request_options,
        )
        return out.content[0].text

    async def summarise_all(self, texts: list[str]) -> list[str]:
        return await asyncio.gather(*[self.summarise(t) for t in texts])
