"""Screenshots for the README, written by browser tests only on request (SCREENSHOTS=1), so that an ordinary
test run leaves the working tree as it was."""

import os
from pathlib import Path

SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def wanted() -> bool:
    return os.environ.get("SCREENSHOTS") == "1"


def save(page, name: str, folder: Path = SHOTS) -> Path | None:
    """`page`'s full-page screenshot as `folder/name.png` when SCREENSHOTS=1; else nothing is written (None)."""
    if not wanted():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
