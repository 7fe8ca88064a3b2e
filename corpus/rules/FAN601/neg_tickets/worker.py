"""Summarize one ticket thread."""
import json

import httpx

MAX_WORDS = 60

_client = httpx.AsyncClient(base_url="https://llm-gateway.internal", timeout=30.0)


async def summarize_thread(thread: dict, priority: str) -> str:
    body = "\n\n".join(c["body"] for c in thread["comments"])
    payload = json.dumps({"prompt": f"Summarize in {MAX_WORDS} words:\n{body}", "ticket": thread["id"]})
    resp = await _client.post(
        "/v1/complete",
        content=payload,
        headers={"Content-Type": "application/json", "X-Priority": priority},
    )
    return resp.json()["text"]
