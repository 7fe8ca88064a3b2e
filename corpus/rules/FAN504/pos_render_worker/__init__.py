"""PDF render worker: async job loop, sync tool wrappers in tools.py."""
