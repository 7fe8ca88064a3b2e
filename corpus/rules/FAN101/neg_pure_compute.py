"""Document scoring: BM25-ish scores computed concurrently, no I/O involved."""
import asyncio
import math
import re
from collections import Counter

TOKEN_RE = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    return TOKEN_RE.findall(text.lower())


async def score_document(doc: str, query_terms: list[str], avg_len: float) -> float:
    tokens = tokenize(doc)
    counts = Counter(tokens)
    score = 0.0
    for term in query_terms:
        tf = counts.get(term, 0)
        score += (tf * 2.2) / (tf + 1.2 * (0.25 + 0.75 * len(tokens) / avg_len))
    await asyncio.sleep(0)
    return score


async def rank(docs: list[str], query: str) -> list[tuple[float, str]]:
    terms = tokenize(query)
    avg_len = sum(len(tokenize(d)) for d in docs) / max(len(docs), 1)
    scores = await asyncio.gather(*[score_document(d, terms, avg_len) for d in docs])
    return sorted(zip(scores, docs), reverse=True)


def idf(term: str, docs: list[str]) -> float:
    df = sum(1 for d in docs if term in tokenize(d))
    return math.log((len(docs) - df + 0.5) / (df + 0.5) + 1)
