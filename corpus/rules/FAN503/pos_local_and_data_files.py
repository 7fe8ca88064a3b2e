"""Small local files (shipped with the package, or in the user's home
directory) are read from the page cache in microseconds; a file of the
request's data is the wait worth a finding."""
import json
import os
from pathlib import Path


def load_script(name: str) -> str:
    here = os.path.dirname(__file__)
    with open(os.path.join(here, name + ".js"), encoding="utf-8") as fh:
        return fh.read()


async def inject(page, name: str) -> None:
    await page.evaluate(load_script(name))


async def settings() -> dict:
    config_path = Path(__file__).parent / "config.yml"
    with open(config_path, encoding="utf-8") as fh:
        return json.load(fh)


async def cached_schema(kind: str) -> dict:
    home_dir = os.path.expanduser("~/.myapp")
    with open(f"{home_dir}/schema/{kind}.json", encoding="utf-8") as fh:
        return json.load(fh)


async def store_upload(upload_dir: str, name: str, body: bytes) -> str:
    path = os.path.join(upload_dir, name)
    with open(path, "wb") as fh:  # expect: FAN503
        fh.write(body)
    return path


async def read_user_file(filename: str) -> bytes:
    # `~` expanded in a path the caller gives: any file, of any size
    with open(Path(filename).expanduser(), "rb") as fh:  # expect: FAN503
        return fh.read()
