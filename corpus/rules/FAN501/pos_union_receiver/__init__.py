"""A receiver annotated with a union of project classes: each member's method
(and its overrides) may run."""
