from typing import Any


def me(*, user) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name or user.get_full_name() or user.username,
        "patroller": patroller_summary(user=user),
        "scope": {"county": user.county_id, "township": user.township_id, "village": user.village_id},
    }


def patroller_summary(*, user) -> dict[str, Any] | None:
    """The caller's own patroller record and current segment; filled in once the roster exists."""
    return None
