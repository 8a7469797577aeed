"""What a phone downloads to open `/m/` the first time: the JS and CSS of the shell (vendored libraries included),
each file gzip-compressed (level 9, as whitenoise's CompressedManifestStaticFilesStorage serves them), against the
budget of issue 12 (150 KB). Run: `.venv/bin/python bench/mobile_assets.py`; no database, no server."""

import gzip
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 150 * 1024


def sizes() -> list[tuple[str, int, int]]:
    """(static name, bytes, gzip bytes) of every script and stylesheet the shell links."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from patrol.views.mobile import SCRIPTS, STYLES

    rows = []
    for name in (*STYLES, *SCRIPTS):
        data = (ROOT / "static" / name).read_bytes()
        rows.append((name, len(data), len(gzip.compress(data, compresslevel=9))))
    return rows


def main() -> None:
    rows = sizes()
    for name, raw, packed in rows:
        print(f"{name:32} {raw / 1024:7.1f} KB  gzip {packed / 1024:6.1f} KB")
    total = sum(packed for _name, _raw, packed in rows)
    print(
        f"{'total':32} {sum(raw for _n, raw, _p in rows) / 1024:7.1f} KB  gzip {total / 1024:6.1f} KB"
        f"  (budget {BUDGET / 1024:.0f} KB: {'ok' if total <= BUDGET else 'OVER'})"
    )


if __name__ == "__main__":
    main()
