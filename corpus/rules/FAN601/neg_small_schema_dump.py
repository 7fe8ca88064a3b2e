"""The object's small output schema is dumped per call: no collection is walked."""
import asyncio
import json

from openai import AsyncOpenAI

CLIENT = AsyncOpenAI()


class Extractor:
    schema: dict = {"type": "object", "properties": {"name": {"type": "string"}}}

    def _schema_text(self) -> str:
        return json.dumps(self.schema)

    async def extract(self, page: str) -> str:
        prompt = f"Schema: {self._schema_text()}\n\n{page}"
        out = await CLIENT.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
        return out.choices[0].message.content

    async def extract_all(self, pages: list[str]) -> list[str]:
        return await asyncio.gather(*[self.extract(p) for p in pages])
