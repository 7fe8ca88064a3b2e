"""Structured extraction agent: re-prompts the model when its JSON does not parse."""
import asyncio
import json

from openai import AsyncOpenAI

client = AsyncOpenAI(timeout=60.0)

SYSTEM = "Extract the invoice fields as a JSON object with keys vendor, total, currency, due_date."


async def extract_invoice(text: str) -> dict:
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}]
    for attempt in range(3):
        completion = await client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        answer = completion.choices[0].message.content or ""
        try:
            return json.loads(answer)
        except json.JSONDecodeError as exc:
            messages.append({"role": "assistant", "content": answer})
            messages.append({"role": "user", "content": f"That was not valid JSON ({exc.msg}). Reply with JSON only."})
            await asyncio.sleep(0.5)
    raise ValueError("model never produced valid JSON")
