"""An asyncio ingestion pipeline: chunk -> embed -> index."""

from .run import Document, Pipeline

__all__ = ["Document", "Pipeline"]
