"""gunicorn settings for compagnon (the container and the systemd unit use this file).

Every value can be overridden from the environment: WEB_CONCURRENCY processes, each with
WEB_THREADS threads, bound to WEB_BIND. With metrics on (METRICS_TOKEN), the processes
write their metrics to PROMETHEUS_MULTIPROC_DIR (a folder under /tmp by default) and
/metrics adds them up; the folder is emptied at start and a dead process's gauges are
dropped. Only the web server gets the folder: an RQ worker forks a process per job, and
each would leave its files there.
"""

import os
import shutil
import tempfile

if os.environ.get("METRICS_TOKEN"):
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "compagnon-metrics")
    )

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then: a slow leak never becomes an outage.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
# Behind the proxy on a private network: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# gunicorn's control socket (`gunicornc`) defaults to $HOME/.gunicorn/, and the app's home
# (/srv/compagnon) is read-only to it: in the image it logged "Control server error:
# Permission denied" at every start. The temporary folder is the app's own.
control_socket = os.environ.get(
    "GUNICORN_CONTROL_SOCKET", os.path.join(tempfile.gettempdir(), "compagnon-gunicorn.ctl")
)


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
