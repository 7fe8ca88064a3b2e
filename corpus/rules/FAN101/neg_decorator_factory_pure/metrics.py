"""Metrics the team wrote: string arithmetic, no model call."""
from .scoring import scorer


@scorer.scorer(name="length")
async def length_ratio(row: dict) -> float:
    return len(row["answer"]) / max(1, len(row["reference"]))
