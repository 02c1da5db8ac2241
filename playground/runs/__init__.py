"""Runs: a simulation of one document, executed by a Celery worker, streamed to websockets.

The flow: `run_start` stores a queued run and enqueues `runs.simulate` after the transaction
commits; the task calls `run_execute`, which runs the engine with `on_window` appending each window
to the run's message log (Redis) and publishing it to the run's channel-layer group; consumers
replay the log from `?after=SEQ` and then forward live messages, so no client misses one.
"""
