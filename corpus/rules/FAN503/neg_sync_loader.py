"""Settings loaded at import time by sync code; coroutines only read the result."""
import json
import os
from pathlib import Path

import httpx

SETTINGS_FILE = os.environ.get("APP_SETTINGS", "settings.json")


def load_settings(path: str = SETTINGS_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        settings = json.load(fh)
    prompt_file = settings.get("system_prompt_file")
    if prompt_file:
        settings["system_prompt"] = Path(prompt_file).read_text(encoding="utf-8")
    return settings


SETTINGS = load_settings()


async def call_backend(client: httpx.AsyncClient, route: str, body: dict) -> dict:
    resp = await client.post(SETTINGS["backend_url"] + route, json=body, timeout=SETTINGS.get("timeout", 10))
    resp.raise_for_status()
    return resp.json()


def main() -> None:
    print(json.dumps(load_settings(), indent=2))


if __name__ == "__main__":
    main()
