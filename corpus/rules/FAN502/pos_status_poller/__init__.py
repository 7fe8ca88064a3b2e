"""Deployment status poller; the waiting helpers live in waits.py."""
