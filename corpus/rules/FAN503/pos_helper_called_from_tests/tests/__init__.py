"""Tests of the settings helper."""
