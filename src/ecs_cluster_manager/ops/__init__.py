"""Operating a deployed stack on AWS: validate, package and upload, deploy through a change set,
watch, status, logs, hook overrides, cancel, delete and verify.

Every function here takes a `Clients` (boto3 clients from one session, and the clock to wait
on) and returns data or yields events; nothing prints. The `ecm` verbs in `cli/` render them.
The same code runs against AWS and, in tests and `ecm demo`, against the simulated account.
"""
