"""Per-article summarization with litellm (no per-call timeout)."""
import asyncio
import logging

import litellm

log = logging.getLogger(__name__)


async def summarize_article(article: dict) -> str:
    response = await litellm.acompletion(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Summarize in 3 bullets:\n{article['text']}"}],
    )
    return response.choices[0].message.content


async def summarize_articles(articles: list[dict]) -> list[str]:
    summaries = await asyncio.gather(*[summarize_article(a) for a in articles])
    log.info("summarized %d articles", len(summaries))
    return summaries
