"""Report service: async handlers; storage.py holds the sync file helpers."""
