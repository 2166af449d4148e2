"""framing: compare how news sources frame the same relationship."""
