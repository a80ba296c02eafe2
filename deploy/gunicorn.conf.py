"""gunicorn for the portal: `gunicorn -c deploy/gunicorn.conf.py` from the project folder.

Read by safecommunity-web.service and `make serve`. Every value can be set from the
environment (/etc/safecommunity/env); the defaults suit one machine behind nginx.
"""

import os

wsgi_app = "safecommunity.wsgi:application"

# Where nginx finds it: loopback on one machine; the private address on a second web machine.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Sync workers: GUNICORN_WORKERS, else two per core and one, at most GUNICORN_MAX_WORKERS (each
# holds a database connection and some 100 MB).
_cap = int(os.environ.get("GUNICORN_MAX_WORKERS", 9))
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * (os.cpu_count() or 1) + 1, _cap)))

# A request still running after this many seconds is ended (nginx waits 120 s); exports and
# imports that take longer are jobs for the worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# On restart or stop (SIGTERM), requests under way get this long to finish.
graceful_timeout = 30
keepalive = 5

# Each worker is replaced after about this many requests, staggered so not all at once.
max_requests = 1000
max_requests_jitter = 100

# RequestLogMiddleware writes one line per request (with the request id) to stdout; gunicorn's
# access log would repeat it. Its own messages (start, stop, timeouts) go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Trust X-Forwarded-Proto/-For only from nginx: on this machine, or the proxy's address when
# nginx runs on another one.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

proc_name = "safecommunity"

# gunicorn 25+ opens a control socket in $HOME/.gunicorn (read-only under systemd's
# ProtectSystem); systemctl reload/stop do its work here. Ignored by older versions.
control_socket_disable = True
