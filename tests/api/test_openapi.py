"""/api/v1/openapi.json describes every API route with its methods, and nothing that is not a route."""

import re

# The approval decision is one route with a <decision> segment, described as its two literal paths.
LITERAL_SEGMENTS = re.compile(r"/(approve|reject)$")


def _shape(path: str) -> str:
    path = re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)
    return LITERAL_SEGMENTS.sub("/{}", path) if path.startswith("/api/v1/approvals/") else path


def test_every_api_route_is_described_and_every_description_is_a_route(app, client):
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            routes.setdefault(_shape(rule.rule), set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    doc = client.get("/api/v1/openapi.json").get_json()
    described: dict[str, set[str]] = {}
    for path, item in doc["paths"].items():
        described.setdefault(_shape(path), set()).update(item)
    assert described == routes


def test_every_operation_has_a_chinese_summary_and_error_schema(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert re.search(r"[\u4e00-\u9fff]", op["summary"]), (path, method)
            for code, response in op["responses"].items():
                if code.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
