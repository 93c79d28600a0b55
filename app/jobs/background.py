"""Development: a thread of the server runs the due jobs every few seconds (JOBS_IN_PROCESS),
so the outbox empties with no manual step. Production runs `flask jobs run` from a timer."""

import atexit
import os
import sys
import threading

from flask import Flask

from app.jobs.runner import run_due_jobs

EXTENSION = "maillage_jobs"


class JobsThread(threading.Thread):
    """Run the due jobs, then wait; stop() ends it between two rounds."""

    def __init__(self, app: Flask, seconds: float):
        super().__init__(name="maillage-jobs", daemon=True)
        self.app, self.seconds = app, seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        print(f" * Periodic jobs run in the background every {self.seconds:g} s "
              f"(JOBS_IN_PROCESS, process {os.getpid()})", file=sys.stderr, flush=True)
        while not self.stopping.is_set():
            self.run_once()
            self.stopping.wait(self.seconds)

    def run_once(self) -> None:
        try:
            with self.app.app_context():
                for outcome in run_due_jobs():
                    if outcome.status == "failed":
                        self.app.logger.error("Background job %s", outcome.line())
                    elif outcome.status == "done" and outcome.summary:
                        print(f" * {outcome.line()}", file=sys.stderr, flush=True)
        except Exception:  # the database away a moment must not end the thread
            self.app.logger.exception("Background jobs failed; next try in %g s", self.seconds)

    def stop(self, timeout: float = 5) -> None:
        self.stopping.set()
        if self.is_alive() and self is not threading.current_thread():
            self.join(timeout)


def start_with_first_request(app: Flask) -> None:
    """Start the thread when this process serves its first request.

    Flask's reloader loads the app in a watching process that serves nothing, and again in
    the serving one: starting on a request starts exactly one thread, in the serving process.
    """
    starting = threading.Lock()

    def start_jobs_thread() -> None:
        if EXTENSION in app.extensions:
            return
        with starting:
            if EXTENSION not in app.extensions:
                thread = JobsThread(app, float(app.config["JOBS_IN_PROCESS_SECONDS"]))
                app.extensions[EXTENSION] = thread
                thread.start()
                atexit.register(thread.stop)

    app.before_request(start_jobs_thread)
