"""Dataframes serialised in memory, and file I/O moved to a thread."""
import asyncio

import pandas as pd


async def scores_as_csv(scores: list[dict]) -> str:
    frame = pd.DataFrame(scores)
    return frame.to_csv(index=False)


async def load_questions(path: str) -> list[str]:
    df = await asyncio.to_thread(pd.read_csv, path)
    return df["question"].tolist()
