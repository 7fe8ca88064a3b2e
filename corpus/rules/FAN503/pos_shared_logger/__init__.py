"""A project logger that appends each line to a file with a sync open, called
from many async functions: one root cause, reported once, at the helper."""
