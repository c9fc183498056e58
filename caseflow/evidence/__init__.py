"""Evidence: streamed, hashed, immutable uploads with chain of custody and pluggable storage (DESIGN.md §4)."""
