"""The names of the invariants a scenario checks, and what each promises (for reports and for
`expect.breaks` in scenario files)."""

from __future__ import annotations

INVARIANTS = {
    "terminate-continue-with-live-tasks":
        "no terminate CONTINUE while a task on that instance is not STOPPED, unless timed out",
    "terminate-continue-before-services-steady":
        "no terminate CONTINUE before the services that were on the instance are steady again",
    "service-below-minimum":
        "no service below its minimum healthy count because of a lifecycle action",
    "task-stopped-by-termination": "no task stopped by instance termination",
    "in-service-instance-disturbed":
        "no in-service instance set to DRAINING or with a task stopped by the functions",
    "launch-continue-before-ready":
        "no launch CONTINUE before the container instance is ACTIVE with its agent connected",
    "launch-continue-with-failing-check":
        "no launch CONTINUE while a required health check or attribute fails",
    "terminated-instance-still-registered":
        "the container instance of every terminated instance ends deregistered",
    "action-timed-out": "every action completed before its timeout",
}
