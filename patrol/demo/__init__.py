"""Demo patrol logs: about three months of daily logs up to today, called by `seed_demo` after the roster.

Who: every patroller of the demo county (金水区, where every demo login works) on each day they were under
contract on an assignment. What shows: most days a walk along the whole segment with a GPS track; some days
missed (a few patrollers miss many); some walks cut short (`low_coverage`), some without a track (`no_track`),
some driven (`vehicle_speed`); problems found now and then, a third of them escalated — those go through the real
`patrol_log_submit`, so the problem reports are made by the service, and are then moved along by the offices
(accepted, assigned with deadlines, some overdue, resolved, closed, one reopened). Problems without photos carry
`evidence_missing`. Photos: the two demo patroller logins (`photo_add` accepts photos only from the log's own
patroller) upload small JPEGs through the real pipeline, with EXIF time and GPS — and one without EXIF, one taken
hours before the patrol, one far from the segment, one reused from an earlier log — so that every flag appears.

Everything derives from fixed seeds; log and photo `client_uuid`s are uuid5 of (patroller ID number, day, …), so a
second run finds every row and writes nothing. Logs that need no pipeline are bulk-created with the same rules
(coverage, flags, fingerprint) the service applies. The demo county (LOG_COUNTIES) gets the whole story; every
other county gets light logs over the same days for the patrollers of its smallest townships (a dozen people or a
few more: same days missed, walks, short walks and drives, a GPS fix at each vertex of the segment instead of every
0.4 km, no escalation or photo), so that every county of the city overview has logs, the townships left out show
"未收到日志", and seeding stays fast (all 2 500 patrollers would be a quarter of a million rows).

One module per job: `seed` (who patrols when, each day's log, and `seed_patrol_logs` that puts it all together),
`tracks` (the walks along a segment), `photos`, `reports` (the offices moving problem reports along); `common`
holds what they share. Callers import from here.
"""

from patrol.demo.common import Track
from patrol.demo.photos import photo_bytes
from patrol.demo.seed import LOG_COUNTIES, PHOTO_USERS, Counts, seed_patrol_logs

__all__ = ["LOG_COUNTIES", "PHOTO_USERS", "Counts", "Track", "photo_bytes", "seed_patrol_logs"]
