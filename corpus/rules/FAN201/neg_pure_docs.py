"""Document preprocessing: normalization runs concurrently but never leaves the process."""
import asyncio
import logging
import unicodedata

log = logging.getLogger(__name__)


async def normalize(doc: dict) -> dict:
    text = unicodedata.normalize("NFKC", doc["text"])
    text = " ".join(text.split())
    await asyncio.sleep(0)
    return {**doc, "text": text, "n_chars": len(text)}


async def preprocess(documents: list[dict]) -> list[dict]:
    normalized = await asyncio.gather(*[normalize(d) for d in documents])
    log.info("normalized %d documents", len(normalized))
    return [d for d in normalized if d["n_chars"] > 20]


def dedupe(documents: list[dict]) -> list[dict]:
    seen: set[str] = set()
    unique = []
    for doc in documents:
        if doc["text"] not in seen:
            seen.add(doc["text"])
            unique.append(doc)
    return unique
