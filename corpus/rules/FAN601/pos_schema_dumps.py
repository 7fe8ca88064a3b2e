"""Structured extraction: the JSON schema is dumped again for every page."""
import asyncio
import json
import logging

import litellm

log = logging.getLogger(__name__)


class PageExtractor:
    def __init__(self, model: str = "gpt-4o-mini"):
        self.model = model

    async def extract(self, page_text: str, schema: dict) -> dict:
        schema_text = json.dumps(schema, indent=2)  # expect: FAN601
        response = await litellm.acompletion(
            model=self.model,
            messages=[
                {"role": "system", "content": f"Extract fields matching this JSON schema:\n{schema_text}"},
                {"role": "user", "content": page_text},
            ],
            response_format={"type": "json_object"},
        )
        return json.loads(response.choices[0].message.content)

    async def extract_all(self, pages: list[str], schema: dict) -> list[dict]:
        tasks = []
        for page in pages:
            tasks.append(asyncio.create_task(self.extract(page, schema)))
        records = await asyncio.gather(*tasks)
        log.info("extracted %d records", len(records))
        return records
