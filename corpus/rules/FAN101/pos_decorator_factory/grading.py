"""An experiment the team wrote: one model call per row, through the package's decorator."""
import httpx

from .evals import experiment

client = httpx.AsyncClient(timeout=30)


@experiment(prefix="grading")
async def grade(row: dict) -> dict:
    resp = await client.post("https://llm.example.com/v1/grade", json=row)
    return resp.json()
