"""Lead enrichment pipeline."""
