"""A metric the team wrote: one model call per row, bounded by the wrapper it is handed to."""
import httpx

from .scoring import scorer

client = httpx.AsyncClient(timeout=30)


@scorer(name="faithfulness")
async def faithfulness(row: dict) -> float:
    resp = await client.post("https://judge.example.com/v1/score", json=row)
    return resp.json()["score"]
