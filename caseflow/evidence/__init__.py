"""Evidence: streamed, hashed, immutable uploads with chain of custody and pluggable storage (docs/architecture.md,
Evidence)."""
