"""tqdm's progress-bar gather is still an unbounded gather."""
from litellm import acompletion
from tqdm.asyncio import tqdm_asyncio


async def grade(answer: str) -> str:
    resp = await acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": answer}])
    return resp.choices[0].message.content


async def grade_all(answers: list[str]) -> list[str]:
    return await tqdm_asyncio.gather(*[grade(a) for a in answers])  # expect: FAN101
