"""gunicorn's settings for a city's server: the staff's pool (deploy/systemd/komae-sns-web.service)
and the public pages' (komae-sns-public.service, which binds 127.0.0.1:8001 with 2 workers on its
command line).

Its own log lines are JSON too (core.logs.JsonFormatter), so journald holds one format; the app
writes its access line per request with the request id, so gunicorn's access log stays off.
"""

import multiprocessing

bind = "127.0.0.1:8000"
workers = min(4, multiprocessing.cpu_count() * 2)
timeout = 60  # a policy PDF is rendered in a few seconds; anything longer is stuck
graceful_timeout = 30
forwarded_allow_ips = "127.0.0.1,::1"  # nginx on the same machine
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
