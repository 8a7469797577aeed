"""The OpenAPI schema says what the server answers (issue 10 item 7): the error answers of API.md on every operation,
in the one error shape. tests/contract/run_schemathesis.py checks the same against a live server with generated
requests; these tests pin the rules themselves."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from config.api import exception_handler

ERRORS_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}
BODY_METHODS = {"post", "put", "patch"}
LOGIN = "/api/v1/auth/token/"


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(public=True)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_the_error_shape_is_a_list_of_messages_under_each_field(schema):
    errors = schema["components"]["schemas"]["Errors"]
    assert errors["required"] == ["errors"]
    assert errors["properties"]["errors"] == {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    }


def test_every_operation_documents_the_error_answers_in_the_error_shape(schema):
    wrong = []
    count = 0
    for path, method, operation in operations(schema):
        count += 1
        expected = {"400", "403", "404"}
        if path != LOGIN:  # the one operation that needs no login
            expected.add("401")
        if method in BODY_METHODS:
            expected |= {"411", "413", "415"}
        for code in sorted(expected):
            response = operation["responses"].get(code)
            if response is None or response.get("content") != ERRORS_BODY or not response.get("description"):
                wrong.append(f"{method.upper()} {path} {code}")
    assert count > 50
    assert wrong == []


def test_the_login_documents_no_401_and_a_lockout(schema):
    responses = schema["paths"][LOGIN]["post"]["responses"]
    assert "401" not in responses
    assert responses["429"]["content"] == ERRORS_BODY


def test_a_view_keeps_its_own_description_of_an_error(schema):
    photo_upload = schema["paths"]["/api/v1/patrol-logs/{id}/photos/"]["post"]["responses"]
    assert photo_upload["413"]["description"] == "文件过大 / file too large"
    assert photo_upload["409"]["content"] == ERRORS_BODY


def test_a_patrol_log_is_submitted_as_json_only(schema):
    body = schema["paths"]["/api/v1/patrol-logs/"]["post"]["requestBody"]
    assert list(body["content"]) == ["application/json"]


def test_nested_errors_become_messages_of_their_field_naming_the_item_or_part():
    error = serializers.ValidationError(
        {
            "photos": {1: ["请填写合法的整数值。"]},
            "scores": {"appearance": ["超出范围。"]},
            "track": [{}, {"lat": ["纬度超出范围。"]}],
            "note": "太长。",
        }
    )

    response = exception_handler(error, {})

    assert response.status_code == 400
    assert response.data == {
        "errors": {
            "photos": ["第2项：请填写合法的整数值。"],
            "scores": ["appearance：超出范围。"],
            "track": ["第2项：lat：纬度超出范围。"],
            "note": ["太长。"],
        }
    }


def test_an_assessment_change_documents_its_own_actions_not_a_patrol_log_action(schema):
    """Two fields named "action" once shared one enum, so an assessment's history ("prepare", …) broke its schema."""
    from assessments.models import AssessmentChange

    change = schema["components"]["schemas"]["AssessmentChange"]["properties"]["action"]
    enum = schema["components"]["schemas"][change["allOf"][0]["$ref"].rsplit("/", 1)[1]]["enum"]
    assert enum == list(AssessmentChange.Action.values)
