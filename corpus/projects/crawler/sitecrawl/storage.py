"""Page storage: gzip files under <root>/<host>/ plus a JSONL manifest."""
import asyncio
import gzip
import hashlib
import json
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

from .fetcher import FetchedPage


class PageStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._manifest_lock = asyncio.Lock()

    def path_for(self, url: str) -> Path:
        parts = urlsplit(url)
        digest = hashlib.sha256(url.encode()).hexdigest()[:20]
        return self.root / (parts.hostname or "_") / f"{digest}.html.gz"

    @staticmethod
    def _write_atomic(path: Path, payload: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(payload)
        os.replace(tmp, path)

    async def save(self, page: FetchedPage, title: str) -> Path:
        path = self.path_for(page.url)
        payload = gzip.compress(page.body, compresslevel=9)  # expect: FAN506
        await asyncio.to_thread(self._write_atomic, path, payload)
        await self._append_manifest({
            "url": page.url,
            "status": page.status,
            "title": title,
            "bytes": len(page.body),
            "path": str(path.relative_to(self.root)),
            "fetched_at": time.time(),
        })
        return path

    async def _append_manifest(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False)
        async with self._manifest_lock:
            with open(self.root / "manifest.jsonl", "a", encoding="utf-8") as fh:  # expect: FAN503
                fh.write(line + "\n")

    def already_stored(self) -> set[str]:
        manifest = self.root / "manifest.jsonl"
        if not manifest.exists():
            return set()
        with manifest.open(encoding="utf-8") as fh:
            return {json.loads(line)["url"] for line in fh}
