"""E-mail notifications through an outbox: written with the change, sent by the `outbox` job
(`flask jobs run`, app/jobs/).

The request that decides or receives a proposal only inserts rows in outbox_messages, in its
own transaction; an unreachable SMTP server can never make a page fail.
"""
