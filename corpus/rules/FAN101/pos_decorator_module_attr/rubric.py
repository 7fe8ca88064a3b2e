"""A rubric the team wrote: one model call per answer."""
import httpx

from .grading import judge

client = httpx.AsyncClient(timeout=30)


@judge.judge(label="rubric")
async def rubric(answer: str) -> str:
    resp = await client.post("https://judge.example.com/v1/rubric", json={"answer": answer})
    return resp.json()["verdict"]
