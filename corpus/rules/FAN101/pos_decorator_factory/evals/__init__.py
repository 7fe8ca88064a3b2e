"""The package's `experiment` is the decorator, not its submodule of the same name."""
from .experiment import Experiment, experiment

__all__ = ["Experiment", "experiment"]
