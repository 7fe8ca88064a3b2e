"""Sitemap crawler: async orchestration over sync fetch helpers in fetchers.py."""
