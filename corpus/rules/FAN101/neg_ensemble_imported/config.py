MODELS = ("gpt-4o", "claude-3-5-sonnet", "gemini-1.5-pro")
N_JUDGES = 3
