"""Document summarizer split across modules: the SDK client lives in llm.py."""
