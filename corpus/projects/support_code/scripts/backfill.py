"""A one-off script: subprocess in async code."""
import subprocess


async def backfill() -> None:
    subprocess.run(["./backfill.sh"], check=True)
