"""The app (api/main.py): the OpenAPI document covers every endpoint, with examples."""

from __future__ import annotations

import math

from fastapi.testclient import TestClient


def test_openapi_documents_every_endpoint_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schemes)
    ingest = spec["paths"]["/v1/points"]["post"]
    assert ingest["summary"]
    schema = spec["components"]["schemas"]["PointsIn"]
    assert schema.get("examples")
    assert "text/csv" in spec["paths"]["/v1/points.csv"]["post"]["requestBody"]["content"]
    assert math.isfinite(len(spec["paths"]))
