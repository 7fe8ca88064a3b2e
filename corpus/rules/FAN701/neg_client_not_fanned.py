"""Nightly export: clients are built in functions that run once or sequentially."""
import logging

import httpx
import openai

log = logging.getLogger(__name__)


async def fetch_token(auth_url: str, client_id: str, secret: str) -> str:
    async with httpx.AsyncClient() as client:
        resp = await client.post(auth_url, data={"client_id": client_id, "client_secret": secret})
        return resp.json()["access_token"]


async def describe_export(export_name: str) -> str:
    llm = openai.AsyncOpenAI()
    completion = await llm.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"One-line description for export {export_name}"}],
    )
    return completion.choices[0].message.content or ""


async def nightly_export(export_names: list[str], auth_url: str, client_id: str, secret: str) -> None:
    token = await fetch_token(auth_url, client_id, secret)
    for name in export_names:
        description = await describe_export(name)
        log.info("export %s (%s) with token %s...", name, description, token[:6])
