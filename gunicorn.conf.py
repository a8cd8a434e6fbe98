"""Gunicorn settings, read from the environment (gunicorn loads ./gunicorn.conf.py itself).

HOST and PORT choose the socket, WEB_CONCURRENCY the number of worker processes.
Logs go to stdout/stderr, where Docker and process managers collect them.
"""

import gc
import os


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {value!r}") from None


bind = f"{os.environ.get('HOST', '0.0.0.0')}:{_int_env('PORT', 8000)}"  # noqa: S104
workers = _int_env("WEB_CONCURRENCY", 2)

# Requests do their slow work (mail, matching runs of a cohort) in Celery, so a
# worker silent for a minute is stuck, not busy. Shutdown waits for requests in flight.
timeout = _int_env("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Above a typical proxy's idle timeout would hold sockets open; below it avoids
# the proxy reusing a connection gunicorn has just closed (sporadic 502s).
keepalive = 5

# Recycle workers now and then so a slow leak cannot grow without bound; the
# jitter keeps them from all restarting at the same moment.
# The mentor index is rebuilt when a worker restarts (about 0.3 s for 10k mentors):
# restart rarely enough for that to stay a rounding error per request.
max_requests = 5000
max_requests_jitter = 500

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The usual combined format plus the time taken in milliseconds.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# The worker heartbeat file: in a container /tmp may be an overlay filesystem
# that stalls under load, so use memory when it exists.
_MEMORY_DIR = "/dev/shm"  # noqa: S108  (a heartbeat file only; nothing is read back)
if os.path.isdir(_MEMORY_DIR):
    worker_tmp_dir = _MEMORY_DIR

# The runtime control socket (gunicornc) lives in $HOME by default, which the
# image's user does not have and which two servers on one machine would share.
control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """Keep what the worker loaded at start (Django, models, settings) out of full GC passes.

    Those objects live as long as the worker; without this each full collection
    walks them all again (~120k objects, 60 ms and more, every few hundred
    requests), which lands on whichever request happens to trigger it.
    """
    gc.freeze()
