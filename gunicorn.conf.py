"""gunicorn's settings, read by `gunicorn config.wsgi` started in the project directory (README "Security").

Only the request limits the service depends on; workers, binding and logging stay the operator's (command line or
environment). The project's own limits (config/limits.py) answer in the API error shape and lie inside these:
a query string over QUERY_STRING_MAX_BYTES (4096) gets the API's 414, a request line over 8190 bytes gunicorn's
plain 400 — with gunicorn's default of 4094 the API's 414 could never be seen.
"""

# The request line (method, path, query string): gunicorn's largest setting.
limit_request_line = 8190
# Headers: how many and how long each (gunicorn's defaults, written down so that they are deliberate).
limit_request_fields = 100
limit_request_field_size = 8190
