"""Statistics for supervisors (docs/architecture.md, Statistics): per-case facts, rollups, pages, exports and the
summary API."""


def register(app) -> None:
    """Queue every new and changed case for the statistics refresh, in the changing transaction."""
    from caseflow.cases import hooks
    from caseflow.stats.services import mark_dirty

    registered = hooks.of(app).domain("stats")
    registered.on_create.append(mark_dirty)
    registered.on_action.append(mark_dirty)
