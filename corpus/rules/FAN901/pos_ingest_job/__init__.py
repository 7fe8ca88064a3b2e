"""Ingestion job: loader.py fans out the per-row work defined in rows.py."""
