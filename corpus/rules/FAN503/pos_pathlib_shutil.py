"""Dataset snapshotter: pathlib and shutil file I/O inside coroutines."""
import json
import shutil
from pathlib import Path

import httpx

SNAPSHOT_DIR = "snapshots"


class Snapshotter:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def load_manifest(self, manifest: str) -> dict:
        return json.loads(Path(manifest).read_text(encoding="utf-8"))  # expect: FAN503

    async def download(self, url: str, name: str) -> str:
        resp = await self.client.get(url)
        target = Path(SNAPSHOT_DIR, name)
        target.write_bytes(resp.content)  # expect: FAN503
        return str(target)

    async def promote(self, name: str, release: str) -> None:
        shutil.copyfile(Path(SNAPSHOT_DIR, name), Path(release, name))  # expect: FAN503
        shutil.copy2(f"{SNAPSHOT_DIR}/{name}.sha256", f"{release}/{name}.sha256")  # expect: FAN503

    async def write_index(self, entries: list[dict]) -> None:
        with Path(SNAPSHOT_DIR, "index.json").open("w", encoding="utf-8") as fh:  # expect: FAN503
            json.dump(entries, fh, indent=2)
