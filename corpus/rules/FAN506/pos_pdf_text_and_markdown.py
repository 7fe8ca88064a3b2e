"""Document ingestion: text from PDFs and markdown from HTML, in async handlers."""
from markdownify import markdownify as md
from pypdf import PdfReader


async def pdf_text(path: str) -> str:
    reader = PdfReader(path)
    parts = []
    for page in reader.pages:
        parts.append(page.extract_text())  # expect: FAN506
    return "\n".join(parts)


async def html_to_markdown(html: str) -> str:
    return md(html, heading_style="ATX")  # expect: FAN506
