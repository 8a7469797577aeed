"""Small filters of the overview page."""

from django import template

register = template.Library()


@register.filter
def get_count(counts, code: str) -> int:
    """counts[code], 0 when absent (flag counts by code)."""
    return (counts or {}).get(code, 0)


@register.filter
def percent(value: float | None) -> str:
    """0.8765 → "87.7%"."""
    return "—" if value is None else f"{value * 100:.1f}%"
