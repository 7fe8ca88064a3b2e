"""`from . import judge` binds the submodule itself: `grading.judge` is the module, not a rebinding."""
from . import judge

__all__ = ["judge"]
