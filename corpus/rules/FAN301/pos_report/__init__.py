"""Report writer: drafts each section with Claude."""
