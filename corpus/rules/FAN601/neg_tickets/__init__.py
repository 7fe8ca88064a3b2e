"""Ticket thread summarizer."""
