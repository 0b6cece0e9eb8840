"""Models of the pilots app (built by a later issue)."""
