"""Research agent: plans sub-questions and answers them in parallel."""
