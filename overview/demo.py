"""The demo's monthly figures: the demo loads its logs and assessments in bulk (around the services that keep the
figures on write), so `seed_demo` ends by rebuilding them from the facts."""

from overview.summaries import summaries_rebuild


def seed_summaries(*, stdout) -> None:
    rows, sums = summaries_rebuild()
    stdout.write(f"overview: {rows} patroller-month rows, {sums} township-month rows")
