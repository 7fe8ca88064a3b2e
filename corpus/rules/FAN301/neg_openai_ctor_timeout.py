"""Title generator: OpenAI client and litellm calls carry explicit timeouts."""
import asyncio

import litellm
import openai

client = openai.AsyncOpenAI(timeout=20.0, max_retries=1)


async def title_for(article: str) -> str:
    completion = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Suggest a headline:\n{article[:4000]}"}],
    )
    return completion.choices[0].message.content.strip()


async def titles(articles: list[str]) -> list[str]:
    return await asyncio.gather(*[title_for(a) for a in articles])


async def tag_for(article: str) -> str:
    response = await litellm.acompletion(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"One topic tag for:\n{article[:2000]}"}],
        timeout=25,
    )
    return response.choices[0].message.content.strip()


async def tags(articles: list[str]) -> list[str]:
    return await asyncio.gather(*[tag_for(a) for a in articles])
