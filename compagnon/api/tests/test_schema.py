"""The committed OpenAPI schema matches the code."""

from __future__ import annotations

import json

from compagnon.api.management.commands.api_schema import SCHEMA_PATH, schema_text


def test_committed_schema_is_current():
    assert SCHEMA_PATH.exists(), (
        "docs/api/openapi.json is missing: run `python manage.py api_schema`."
    )
    assert SCHEMA_PATH.read_text() == schema_text(), (
        "The API changed but docs/api/openapi.json did not: run `python manage.py api_schema` "
        "and commit the file."
    )


def test_schema_is_openapi_31_and_served(client):
    committed = json.loads(SCHEMA_PATH.read_text())
    assert committed["openapi"].startswith("3.1")
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json()["paths"].keys() == committed["paths"].keys()


def test_no_docs_page_loading_a_cdn(client):
    assert client.get("/api/v1/docs").status_code == 404
