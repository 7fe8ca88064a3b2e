"""Synthetic data generation with litellm: no per-call timeout anywhere."""
import asyncio
import json
import logging

import litellm

log = logging.getLogger(__name__)

TEMPLATE = "Write one realistic customer email about: {topic}. Reply as JSON with keys subject, body."


async def generate_example(topic: str, model: str) -> dict:
    response = await litellm.acompletion(
        model=model,
        messages=[{"role": "user", "content": TEMPLATE.format(topic=topic)}],
        response_format={"type": "json_object"},
    )
    return json.loads(response.choices[0].message.content)


async def generate_dataset(topics: list[str], model: str = "gpt-4o-mini") -> list[dict]:
    examples = await asyncio.gather(  # expect: FAN301
        *[generate_example(t, model) for t in topics],
        return_exceptions=True,
    )
    good = [e for e in examples if isinstance(e, dict)]
    log.info("generated %d/%d examples", len(good), len(topics))
    return good
