"""Settings read from disk on every call."""
import json


def load_settings(path: str = "settings.json") -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


async def handle_request(path: str) -> dict:
    settings = load_settings(path)  # expect: FAN503
    return {"workers": settings.get("workers", 4)}
