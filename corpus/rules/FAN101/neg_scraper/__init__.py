"""News scraper split into a fetch layer and a runner."""
