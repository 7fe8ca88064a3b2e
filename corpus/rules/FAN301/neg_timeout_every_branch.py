"""Both branches of the task bound their model call."""
import asyncio

import litellm


async def label(text: str, strict: bool) -> str:
    if strict:
        resp = await asyncio.wait_for(litellm.acompletion(model="m", messages=[{"role": "user", "content": text}]), 30)
    else:
        resp = await litellm.acompletion(model="m", messages=[{"role": "user", "content": text}], timeout=20)
    return resp.choices[0].message.content


async def label_all(texts: list[str]) -> list[str]:
    return await asyncio.gather(*[label(t, strict=len(t) > 100) for t in texts])
