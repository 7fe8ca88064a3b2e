"""A production helper that reads a file, called once from production async
code and often from tests: the test callers do not make it a shared root
cause; the production call site is reported where it is."""
