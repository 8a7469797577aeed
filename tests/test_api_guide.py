"""The project carries its API guide (docs/api.md), and the README and the OpenAPI schema point at it, not at a
file the repository does not have."""

import re
from pathlib import Path

from drf_spectacular.generators import SchemaGenerator

ROOT = Path(__file__).resolve().parents[1]


def _linked_files(markdown: str) -> list[str]:
    return re.findall(r"\]\(([^)#:\s]+)\)", markdown)


def test_the_api_guide_is_in_the_repository():
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")

    assert guide.startswith("# REST API v1")
    assert "POST /api/v1/auth/token/" in guide and "GET /api/v1/patrol-logs/" in guide


def test_the_readme_points_at_the_guide_and_every_file_it_links_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert "[`docs/api.md`](docs/api.md)" in readme
    assert re.findall(r"(?<![/\w])API\.md", readme) == []  # the shared specification's name, not in this repository
    for target in _linked_files(readme):
        assert (ROOT / target).exists(), target


def test_the_docs_link_only_files_that_exist():
    for page in (ROOT / "docs").glob("*.md"):
        for target in _linked_files(page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} → {target}"


def test_the_schema_description_names_the_guide(db):
    description = SchemaGenerator().get_schema(public=True)["info"]["description"]

    assert "docs/api.md" in description
    assert "see API.md" not in description
