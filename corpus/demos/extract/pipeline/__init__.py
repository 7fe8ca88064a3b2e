"""An asyncio extraction pipeline: load -> extract -> summarize."""

from .extract import Document
from .run import Pipeline

__all__ = ["Document", "Pipeline"]
