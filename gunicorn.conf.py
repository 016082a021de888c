"""gunicorn's settings for the portal (gunicorn reads ./gunicorn.conf.py by itself).

The embedded default is ONE process with threads: rate limits are counted in memory
(``RATELIMIT_STORAGE_URI=memory://``), and a count in memory is per process, so two
processes would each allow the configured number and every limit would be doubled.
One process with ``THREADS`` threads serves as many requests at once as several sync
workers (the work is mostly waiting on the database, storage and clamd), counts every
request in one place, and suits SQLite's single writer too.

More processes or more instances need a shared count: set ``RATELIMIT_STORAGE_URI`` to
Redis. Start-up is refused when several workers would count in memory, so a limit is
never doubled silently.
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("THREADS", "8"))
# workers: gunicorn's default, WEB_CONCURRENCY or 1; --workers on the command line wins.
control_socket_disable = True


def rate_limit_storage() -> str:
    return os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"


def several_processes_problem(workers: int) -> str | None:
    """Why ``workers`` processes would not enforce the configured limits, or None."""
    if workers > 1 and rate_limit_storage().startswith("memory://"):
        return (
            f"refusing to start {workers} gunicorn workers with RATELIMIT_STORAGE_URI="
            f"{rate_limit_storage()}: each process would count rate limits on its own, so "
            f"every limit would be {workers} times the configured one. Run one worker with "
            "threads (THREADS, the default layout) or set RATELIMIT_STORAGE_URI=redis://…"
        )
    return None


def on_starting(server):
    problem = several_processes_problem(server.cfg.workers)
    if problem:
        server.log.error(problem)
        raise SystemExit(2)


def nworkers_changed(server, new_value, old_value):
    # TTIN raises the count while running: undo it rather than double every limit.
    # (At start-up old_value is None and on_starting refuses instead.)
    problem = several_processes_problem(new_value)
    if problem and old_value is not None:
        server.log.error(problem)
        server.num_workers = old_value
