"""The two Lambda functions: the launch gate and the drain gate.

This package is exactly what the Lambda zips contain. It uses only the standard library and
boto3/botocore, and imports nothing else from the project (relative imports only).

Every wake-up has the same shape: parse the event into one `Trigger` (events.py) -> observe with
a few targeted API calls (observe_*.py) -> decide with a pure function that returns actions as
data (decide_*.py) -> act idempotently (act.py) -> one JSON log line per decision (logs.py).
"""
