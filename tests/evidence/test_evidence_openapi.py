"""The evidence part of the OpenAPI description names only routes that exist, with their methods."""

import re

from caseflow.evidence.openapi import paths


def test_every_described_path_is_a_route(app):
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/cases/<int:case_id>/evidence"):
            path = re.sub(r"<int:case_id>", "{id}", rule.rule)
            path = re.sub(r"<int:evidence_id>", "{evidence_id}", path)
            routes.setdefault(path, set()).update({m.lower() for m in rule.methods} - {"head", "options"})
    assert {p: set(item) for p, item in paths().items()} == routes
