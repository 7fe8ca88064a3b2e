"""Research agent: plan -> search -> read -> summarize -> write."""
from .pipeline import ResearchAgent

__all__ = ["ResearchAgent"]
