"""Coroutines kept in a dict by key, then gathered from .values()."""
import asyncio

import litellm


async def score(model: str, text: str) -> float:
    resp = await litellm.acompletion(model=model, messages=[{"role": "user", "content": text}])
    return float(resp.choices[0].message.content)


async def score_files(files: dict[str, str]) -> dict[str, float]:
    tasks = {}
    for name, text in files.items():
        tasks[name] = score("gpt-4o-mini", text)
    results = await asyncio.gather(*tasks.values())  # expect: FAN101
    return dict(zip(tasks, results))


async def score_models(models: list[str], text: str) -> list[float]:
    tasks = {m: score(m, text) for m in models}
    return await asyncio.gather(*tasks.values())  # expect: FAN101
