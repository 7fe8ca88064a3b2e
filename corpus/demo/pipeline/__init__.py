"""An asyncio research pipeline: plan -> search -> summarize -> write."""

from .client import APIError, LLMClient, RateLimitedError
from .orchestrator import Pipeline, RunResult

__all__ = ["APIError", "LLMClient", "Pipeline", "RateLimitedError", "RunResult"]
