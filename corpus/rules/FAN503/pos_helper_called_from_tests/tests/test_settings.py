"""Async tests that read the settings on the loop: not production code."""
from ..settings import load_settings


async def test_defaults():
    assert load_settings("defaults.json")["workers"] == 4


async def test_override():
    assert load_settings("override.json")["workers"] == 8


async def test_empty():
    assert load_settings("empty.json") == {}
