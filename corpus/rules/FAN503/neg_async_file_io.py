"""Transcript store using async file APIs (aiofiles, anyio)."""
import json

import aiofiles
import anyio


async def save_transcript(path: str, turns: list[dict]) -> None:
    async with aiofiles.open(path, "w", encoding="utf-8") as fh:
        await fh.write(json.dumps(turns))


async def load_transcript(path: str) -> list[dict]:
    async with aiofiles.open(path, encoding="utf-8") as fh:
        return json.loads(await fh.read())


async def append_turn(path: str, turn: dict) -> None:
    async with await anyio.open_file(path, "a", encoding="utf-8") as fh:
        await fh.write(json.dumps(turn) + "\n")


async def transcript_size(path: str) -> int:
    text = await anyio.Path(path).read_text()
    return len(text.splitlines())
