"""LLM gateway split across modules; the shared client disables SDK retries."""
