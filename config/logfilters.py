"""Logging filters (settings.LOGGING)."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """`django.request` logs a page's PermissionDenied (403) and a bad request (400) with the exception attached,
    so every refused page wrote a traceback. A client error is no fault of the server: keep the one warning line
    ("Forbidden (Permission denied): /path/") and drop the traceback, which is noise and may carry the exception's
    message. Server errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
