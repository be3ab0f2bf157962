"""The OpenAPI document: committed in docs/openapi.yaml and kept equal to what the code generates, described by
docs/api.md, and served with its docs pages from our own static files."""

import difflib
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

from prm.api.problems import PROBLEM_CONTENT_TYPE

DOCS = Path(settings.BASE_DIR) / "docs"
COMMITTED = DOCS / "openapi.yaml"
REFRESH = "make schema  (manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml)"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> str:
    """The schema as the code describes it now, validated, with drf-spectacular's warnings as errors."""
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return path.read_text()


def test_committed_schema_matches_the_code(generated):
    committed = COMMITTED.read_text() if COMMITTED.exists() else ""
    if committed != generated:
        diff = list(
            difflib.unified_diff(
                committed.splitlines(), generated.splitlines(), "docs/openapi.yaml", "generated", n=1, lineterm=""
            )
        )
        shown = "\n".join(diff[:40]) + (f"\n… {len(diff) - 40} more lines" if len(diff) > 40 else "")
        pytest.fail(
            f"docs/openapi.yaml is out of date with the API. Refresh it with\n    {REFRESH}\n"
            f"then review the change and commit it with the code.\n\n{shown}",
            pytrace=False,
        )


def test_the_description_is_docs_api_md(generated):
    description = yaml.safe_load(generated)["info"].get("description", "")
    assert description == (DOCS / "api.md").read_text(), (
        "The OpenAPI description must be docs/api.md: SPECTACULAR_SETTINGS['DESCRIPTION'] should read that file."
    )


def test_served_schema_is_the_committed_one():
    response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content) == yaml.safe_load(COMMITTED.read_text())
    as_json = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert as_json.status_code == 200 and as_json.json()["info"]["title"] == "PRM API"


def test_every_operation_documents_auth_and_its_problems(generated):
    schema = yaml.safe_load(generated)
    assert set(schema["components"]["securitySchemes"]) == {"apiKey", "session"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation["security"] == [{"apiKey": []}, {"session": []}], where
            responses = operation["responses"]
            for code in ("401", "403", "404", "429"):
                assert PROBLEM_CONTENT_TYPE in responses[code]["content"], (where, code)
            if method in ("post", "put", "patch"):
                assert "400" in responses, where
            if method in ("put", "patch"):
                assert "412" in responses and "If-Match" in [p["name"] for p in operation["parameters"]], where
            if method == "post":
                assert "Idempotency-Key" in [p["name"] for p in operation.get("parameters", [])], where
                assert "422" in responses, where


def test_partner_create_documents_the_upsert():
    create = yaml.safe_load(COMMITTED.read_text())["paths"]["/api/v1/partners/"]["post"]
    assert {"200", "201"} <= set(create["responses"])


@pytest.mark.parametrize("docs_url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_docs_pages_load_their_assets_from_our_own_static_files(client, docs_url):
    response = client.get(docs_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html), "the docs page must not load anything from a CDN"
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)["']""", html)
    assert any(asset.endswith(".js") for asset in assets), html[:500]
    for asset in assets:
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), f"{asset} is not among our static files"
        assert client.get(asset).status_code == 200, asset
