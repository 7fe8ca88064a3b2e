"""RAG ingestion: load -> chunk -> embed -> upsert to Qdrant, with a Postgres catalog."""
