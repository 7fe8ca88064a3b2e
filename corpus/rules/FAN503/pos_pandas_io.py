"""Evaluation report: loads and saves dataframes inside the async job."""
import pandas as pd


async def load_questions(path: str) -> list[str]:
    df = pd.read_csv(path)  # expect: FAN503
    return df["question"].tolist()


async def save_scores(scores: list[dict], out: str) -> None:
    frame = pd.DataFrame(scores)
    frame.to_parquet(out, index=False)  # expect: FAN503
    frame.to_csv(path_or_buf=out + ".csv")  # expect: FAN503


async def load_answers(root: str, day: str) -> list[str]:
    source = f"{root}/answers-{day}.csv"
    table = pd.read_csv(source)  # expect: FAN503
    return table["answer"].tolist()
