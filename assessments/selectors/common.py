"""What the selectors share: a JSON-list lookup both databases answer, and narrowing by the filters given."""

from collections.abc import Mapping

from django.db import connection
from django.db.models import Q, QuerySet


def json_has(field: str, code: str) -> Q:
    """A JSON list field holding `code`: containment (`@>`) where the database has it (PostgreSQL), else a text
    match on the stored list (SQLite): the codes never contain one another, so the match is exact."""
    if connection.features.supports_json_field_contains:
        return Q(**{f"{field}__contains": [code]})
    return Q(**{f"{field}__icontains": code})


def filtered(queryset: QuerySet, filters: Mapping, lookups: Mapping[str, str]) -> QuerySet:
    """`queryset` narrowed by every filter of `lookups` ({filter: field lookup}) given a value; an empty one (None,
    "", 0) does not narrow."""
    for key, lookup in lookups.items():
        if filters.get(key):
            queryset = queryset.filter(**{lookup: filters[key]})
    return queryset
