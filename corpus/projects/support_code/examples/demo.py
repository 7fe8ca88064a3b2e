"""An example that loads its input with a sync open inside async main."""
import asyncio
import json

from app.pipeline import enrich_all


async def main(path: str) -> None:
    with open(path) as fh:
        records = json.load(fh)
    print(await enrich_all(records))


if __name__ == "__main__":
    asyncio.run(main("records.json"))
