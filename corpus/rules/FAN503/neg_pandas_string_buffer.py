"""Tables that arrive as text in a model answer are parsed from memory, not read from disk."""
import io
from io import BytesIO, StringIO

import pandas as pd


class TableMatch:
    def __init__(self) -> None:
        self.pd = pd

    async def score(self, expected: str, answer: str) -> float:
        want = self.pd.read_csv(StringIO(expected))
        got = self.pd.read_csv(io.StringIO(answer))
        return float(want.equals(got))


async def rows_from_upload(payload: bytes) -> int:
    frame = pd.read_parquet(BytesIO(payload))
    return len(frame)


async def records_from_json(text: str) -> list[dict]:
    buffer = io.StringIO(text)
    return pd.read_json(buffer).to_dict("records")


async def table_as_text(rows: list[dict]) -> str:
    out = StringIO()
    pd.DataFrame(rows).to_csv(out, index=False)
    return out.getvalue()
