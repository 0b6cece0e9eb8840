"""Models of the proposals app (built by a later issue)."""
