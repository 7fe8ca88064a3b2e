"""Document indexer: async pipeline; sync S3/OpenAI helpers in blobstore.py."""
