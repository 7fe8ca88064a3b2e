"""Artifact cache: blocking file I/O handed to worker threads."""
import asyncio
import json
import shutil
import threading
from pathlib import Path

CACHE_DIR = Path("artifact-cache")


def write_artifact(name: str, payload: dict) -> Path:
    path = CACHE_DIR / f"{name}.json"
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(payload, fh)
    return path


async def store(name: str, payload: dict) -> Path:
    return await asyncio.to_thread(write_artifact, name, payload)


async def load(name: str) -> dict:
    loop = asyncio.get_running_loop()
    text = await loop.run_in_executor(None, lambda: Path(CACHE_DIR, f"{name}.json").read_text())
    return json.loads(text)


async def publish(name: str, dest: str) -> None:
    await asyncio.to_thread(shutil.copyfile, Path(CACHE_DIR, f"{name}.json"), dest)


async def export_async(names: list[str], out: str) -> None:
    def dump() -> None:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(names, fh)

    threading.Thread(target=dump, daemon=True).start()


def artifact_label(path: str) -> str:
    p = Path(path)
    return f"{p.stem} ({p.suffix.lstrip('.')})"


async def describe(paths: list[str]) -> list[str]:
    return [artifact_label(p) for p in paths]
