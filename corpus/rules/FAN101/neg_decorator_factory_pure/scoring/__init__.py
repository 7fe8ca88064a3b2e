"""`from . import scorer` binds the submodule itself: `scoring.scorer` is the module."""
from . import scorer

__all__ = ["scorer"]
