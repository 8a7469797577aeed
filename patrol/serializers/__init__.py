"""API shapes of the patrol app: `logs` (a log as submitted, stored and answered), `photos` (a photo as shown, and
the upload's multipart body). Callers import from here."""

from patrol.serializers.logs import (
    PatrolLogDetailSerializer,
    PatrolLogFilters,
    PatrolLogInputSerializer,
    PatrolLogSerializer,
    patrol_log_answer,
)
from patrol.serializers.photos import PhotoSerializer, PhotoUploadSerializer

__all__ = [
    "PatrolLogDetailSerializer",
    "PatrolLogFilters",
    "PatrolLogInputSerializer",
    "PatrolLogSerializer",
    "PhotoSerializer",
    "PhotoUploadSerializer",
    "patrol_log_answer",
]
