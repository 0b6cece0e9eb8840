"""Models of the accountability app (built by a later issue)."""
