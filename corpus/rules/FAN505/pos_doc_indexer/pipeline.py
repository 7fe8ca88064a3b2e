"""Async indexing step that calls the blocking helpers directly."""
import hashlib
import logging

from .blobstore import embed_texts, upload_blob

log = logging.getLogger(__name__)


async def index_document(doc_id: str, text: str) -> dict:
    digest = hashlib.sha256(text.encode()).hexdigest()
    uri = upload_blob(f"raw/{digest}.txt", text.encode())  # expect: FAN505
    chunks = [text[i : i + 2000] for i in range(0, len(text), 2000)]
    vectors = embed_texts(chunks)  # expect: FAN505
    log.info("indexed %s: %d chunks", doc_id, len(chunks))
    return {"id": doc_id, "uri": uri, "vectors": vectors}
