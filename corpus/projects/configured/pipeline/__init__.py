"""A pipeline with a configuration: every command shows the same findings."""
