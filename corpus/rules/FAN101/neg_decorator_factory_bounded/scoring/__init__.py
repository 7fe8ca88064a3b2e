"""The package's `scorer` is the decorator factory, re-exported."""
from .scorer import Scorer, scorer

__all__ = ["Scorer", "scorer"]
