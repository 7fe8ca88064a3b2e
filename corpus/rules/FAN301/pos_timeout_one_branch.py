"""The wrapper applies wait_for only when asked; the fan-out never asks."""
import asyncio

import litellm


class Completer:
    def __init__(self, model: str, request_timeout: float = 60.0) -> None:
        self.model = model
        self.request_timeout = request_timeout

    async def _call(self, messages: list[dict]) -> str:
        resp = await litellm.acompletion(model=self.model, messages=messages)
        return resp.choices[0].message.content

    async def complete(self, messages: list[dict], bounded: bool = False) -> str:
        if not bounded:
            return await self._call(messages)
        return await asyncio.wait_for(self._call(messages), timeout=self.request_timeout)

    async def describe(self, entity: str) -> str:
        return await self.complete([{"role": "user", "content": f"Describe {entity}."}])

    async def describe_all(self, entities: list[str]) -> list[str]:
        return await asyncio.gather(*[self.describe(e) for e in entities])  # expect: FAN301
