"""PDF text extracted in a worker thread; unrelated objects with an extract_text method."""
import asyncio

from pypdf import PdfReader


def _read_pages(path: str) -> list[str]:
    reader = PdfReader(path)
    return [page.extract_text() for page in reader.pages]


async def pdf_text(path: str) -> str:
    return "\n".join(await asyncio.to_thread(_read_pages, path))


class Snippet:
    def __init__(self, text: str) -> None:
        self.text = text

    def extract_text(self) -> str:
        return self.text.strip()


async def join_snippets(snippets: list[Snippet]) -> str:
    return " ".join(s.extract_text() for s in snippets)
