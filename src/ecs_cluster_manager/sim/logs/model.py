"""Log groups, log streams and log events as the CloudWatch Logs API shows them
(https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogGroup.html,
API_LogStream.html, API_OutputLogEvent.html, API_FilteredLogEvent.html). Times are
milliseconds since the epoch, as in the API.

`lastEventTimestamp` of a stream "updates on an eventual consistency basis. It typically updates
in less than an hour from ingestion" (API_LogStream): the simulator shows it an hour late, the
harsher reading, so nobody relies on it to find the newest stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LAST_EVENT_LAG_MS = 3_600_000


@dataclass
class LogEvent:
    timestamp: int
    message: str
    ingestion_time: int
    event_id: str


@dataclass
class LogStream:
    name: str
    created: int
    events: list[LogEvent] = field(default_factory=list)

    def describe(self, arn_prefix: str, now_ms: int) -> dict[str, Any]:
        described: dict[str, Any] = {
            "logStreamName": self.name, "creationTime": self.created,
            "arn": f"{arn_prefix}:log-stream:{self.name}", "storedBytes": 0,
        }
        if self.events:
            described["firstEventTimestamp"] = self.events[0].timestamp
            described["lastIngestionTime"] = self.events[-1].ingestion_time
            settled = [e for e in self.events if e.ingestion_time <= now_ms - LAST_EVENT_LAG_MS]
            if settled:
                described["lastEventTimestamp"] = max(e.timestamp for e in settled)
        return described


@dataclass
class LogGroup:
    name: str
    created: int
    arn: str  # arn:aws:logs:REGION:ACCOUNT:log-group:NAME
    retention_days: int | None = None
    streams: dict[str, LogStream] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "logGroupName": self.name, "creationTime": self.created, "metricFilterCount": 0,
            "arn": f"{self.arn}:*", "logGroupArn": self.arn, "storedBytes": 0,
            "logGroupClass": "STANDARD",
        }
        if self.retention_days is not None:
            described["retentionInDays"] = self.retention_days
        return described
