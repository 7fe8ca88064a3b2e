"""Documents are parsed by the handler registered for their kind; all at once."""
import asyncio

import httpx


async def parse_remote_pdf(doc: dict) -> str:
    async with httpx.AsyncClient(timeout=60) as client:
        resp = await client.post("https://parser.example.com/pdf", content=doc["bytes"])
        return resp.text


async def parse_text(doc: dict) -> str:
    return doc["bytes"].decode()


PARSERS = {"pdf": parse_remote_pdf, "txt": parse_text}


async def parse_all(docs: list[dict]) -> list[str]:
    return await asyncio.gather(*[PARSERS[d["kind"]](d) for d in docs])  # expect: FAN101
