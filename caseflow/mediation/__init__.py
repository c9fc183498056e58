"""行政调解 + 司法确认 (DESIGN.md §2.3): the request, sessions, signatures and the judicial confirmation package."""
