"""Request arguments are built from generation settings that never carry a timeout."""
import asyncio

from litellm import acompletion


class Generator:
    def __init__(self, model: str, temperature: float) -> None:
        self.model = model
        self.temperature = temperature
        self.complete = acompletion

    def _args(self, prompt: str) -> dict:
        return {"model": self.model, "temperature": self.temperature,
                "messages": [{"role": "user", "content": prompt}]}

    async def generate(self, prompt: str) -> str:
        args = self._args(prompt)
        resp = await self.complete(**args)
        return resp.choices[0].message.content

    async def generate_all(self, prompts: list[str]) -> list[str]:
        return await asyncio.gather(*[self.generate(p) for p in prompts])  # expect: FAN301
