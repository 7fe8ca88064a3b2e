"""Automated code review over a pull request."""
