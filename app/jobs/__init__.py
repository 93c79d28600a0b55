"""Periodic work: named jobs with their intervals (`registry.py`), each run by one server at a
time (`locks.py`) when it is due (`runner.py`); `flask jobs run` runs them from a timer, and in
development a thread of the server does (`background.py`).

A job is a core service (the outbox's sender, later reminders, digests, harvests): it commits
its own batches and is safe to run twice or to stop halfway. This package never imports the
web layer or a blueprint.
"""
