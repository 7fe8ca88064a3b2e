"""Polite site crawler: robots.txt, sitemaps, a URL frontier and gzip page storage."""
from .crawl import Crawler, CrawlSettings

__all__ = ["Crawler", "CrawlSettings"]
