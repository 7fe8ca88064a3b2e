"""Each task stores its own result and returns None: gather buffers nothing."""
import asyncio

import aiohttp


async def analyse_one(session: aiohttp.ClientSession, sem: asyncio.Semaphore, db, chat_id: str) -> None:
    async with sem:
        async with session.post("https://api.example.com/analyse", json={"id": chat_id}) as r:
            report = await r.json()
    await db.save(chat_id, report)


async def analyse_all(db, chat_ids: list[str]) -> None:
    sem = asyncio.Semaphore(10)
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*[analyse_one(session, sem, db, c) for c in chat_ids], return_exceptions=True)
