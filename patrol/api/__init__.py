"""The patrol app's API (API.md), one module per resource: `logs` (`/patrol-logs/`: submit, list, read), `photos`
(a log's photo upload, the protected thumbnails and large renditions), `problems` (`/problem-reports/` and the
office's transitions), `local_checks` (`/local-checks/` and the phones' `/checklist/`). patrol/urls.py routes them."""
