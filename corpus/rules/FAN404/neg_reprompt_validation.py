"""Structured output agent: re-prompts on validation errors, not a transport retry."""
import json

import pydantic
from openai import AsyncOpenAI

client = AsyncOpenAI(timeout=60.0)


class Plan(pydantic.BaseModel):
    goal: str
    steps: list[str]
    budget_usd: float


async def make_plan(request: str) -> Plan:
    messages = [
        {"role": "system", "content": "Reply with a JSON object: goal, steps (list), budget_usd (number)."},
        {"role": "user", "content": request},
    ]
    for attempt in range(3):
        completion = await client.chat.completions.create(model="gpt-4o", messages=messages)
        raw = completion.choices[0].message.content or ""
        try:
            return Plan.model_validate(json.loads(raw))
        except (pydantic.ValidationError, ValueError) as exc:
            messages.append({"role": "assistant", "content": raw})
            messages.append({"role": "user", "content": f"Invalid plan: {exc}. Fix it and reply with JSON only."})
    raise ValueError("no valid plan after 3 attempts")
