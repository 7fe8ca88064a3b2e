"""Bulk uploader with a shared bounded-gather helper."""
