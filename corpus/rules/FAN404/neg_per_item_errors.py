"""Bulk indexer: a per-item error handler in a loop is not a retry."""
import logging

import httpx

log = logging.getLogger(__name__)

INDEX_URL = "https://search.example.com/indexes/articles/documents"


async def index_articles(client: httpx.AsyncClient, articles: list[dict]) -> list[str]:
    failed = []
    for article in articles:
        try:
            resp = await client.put(f"{INDEX_URL}/{article['id']}", json=article)
            resp.raise_for_status()
        except Exception:
            log.exception("could not index article %s", article["id"])
            failed.append(article["id"])
    return failed


async def delete_articles(client: httpx.AsyncClient, ids: list[str]) -> None:
    for article_id in ids:
        try:
            await client.delete(f"{INDEX_URL}/{article_id}")
        except Exception:
            log.exception("delete failed for %s", article_id)
            raise
