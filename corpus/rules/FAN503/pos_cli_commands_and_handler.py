"""A CLI whose commands run one coroutine each with anyio.run: the blocking
calls in them (and in what they await) run while nothing else is on the loop.
They are startup code, shown with --include startup."""
import json
from pathlib import Path

import anyio
import click


class Profiles:
    def __init__(self, root: Path):
        self.root = root

    async def status(self) -> dict:
        with open(self.root / "browser.json", encoding="utf-8") as fh:
            return json.load(fh)

    async def show(self) -> None:
        info = await self.status()
        print(info)


@click.command()
@click.argument("root")
def status_command(root: str) -> None:
    profiles = Profiles(Path(root))
    anyio.run(profiles.show)


async def serve_status(profiles: Profiles) -> dict:
    # a handler of a running server: not startup code
    with open(profiles.root / "browser.json", encoding="utf-8") as fh:  # expect: FAN503
        return json.load(fh)
