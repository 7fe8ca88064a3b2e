"""Auth service: async routes; the hashing helpers live in crypto.py."""
