"""Document loading (text, Markdown, PDF via pdftotext) and chunking."""
import asyncio
import hashlib
import logging
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

SUPPORTED = {".md", ".txt", ".rst", ".pdf"}


@dataclass
class Document:
    id: str
    path: str
    text: str
    sha256: str
    metadata: dict = field(default_factory=dict)


@dataclass
class Chunk:
    id: str
    doc_id: str
    index: int
    text: str


def _read_text(path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        )
        return out.stdout
    return path.read_text(encoding="utf-8", errors="replace")


async def load_document(path: Path, root: Path) -> Document:
    text = await asyncio.to_thread(_read_text, path)
    rel = path.relative_to(root).as_posix()
    return Document(
        id=hashlib.md5(rel.encode()).hexdigest(),
        path=rel,
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        metadata={"source": rel, "type": path.suffix.lstrip(".").lower()},
    )


async def load_documents(root: Path) -> list[Document]:
    paths = sorted(p for p in root.rglob("*") if p.suffix.lower() in SUPPORTED and p.is_file())
    docs = await asyncio.gather(*[load_document(p, root) for p in paths])
    log.info("loaded %d documents from %s", len(docs), root)
    return [d for d in docs if d.text.strip()]


def _make_chunk(doc: Document, index: int, text: str) -> Chunk:
    chunk_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{doc.id}:{index}"))
    return Chunk(id=chunk_id, doc_id=doc.id, index=index, text=text)


def chunk_document(doc: Document, size: int = 1200, overlap: int = 200) -> list[Chunk]:
    """Greedy paragraph packing with a character overlap between neighbours."""
    paragraphs = [p.strip() for p in doc.text.split("\n\n") if p.strip()]
    chunks: list[Chunk] = []
    buf = ""
    for para in paragraphs:
        if buf and len(buf) + len(para) > size:
            chunks.append(_make_chunk(doc, len(chunks), buf))
            buf = buf[-overlap:]
        buf = f"{buf}\n\n{para}" if buf else para
    if buf:
        chunks.append(_make_chunk(doc, len(chunks), buf))
    return chunks
