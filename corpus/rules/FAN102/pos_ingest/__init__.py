"""RAG ingestion pipeline."""
