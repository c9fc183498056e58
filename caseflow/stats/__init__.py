"""Statistics for supervisors (DESIGN.md §6): per-case facts, rollups, pages, exports and the summary API."""
