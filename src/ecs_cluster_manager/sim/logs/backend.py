"""Simulated Amazon CloudWatch Logs: log groups, streams, and reading events back.

Operations follow the CloudWatch Logs API Reference pages of the same names
(https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_Operations.html):

- DescribeLogGroups and DescribeLogStreams return at most 50 items a page (their `limit`
  maximum); ordering streams by LastEventTime refuses a name prefix, as documented;
- GetLogEvents reads one stream: without a token, the newest events unless `startFromHead`;
  `nextForwardToken` at the end of the stream is the token passed in ("If you have reached the
  end of the stream, it returns the same token you passed in"); a token is read in the
  direction `startFromHead` gives ("If you are using a previous nextForwardToken value as the
  nextToken in this operation, you must specify true for startFromHead"; otherwise the
  simulator pages backwards, the harsher reading);
- FilterLogEvents interleaves the group's streams by time and pages with `nextToken`; it "can
  return empty results while there are more log events available through the token": the
  simulator scans at most one hour of events per call, so a quiet hour gives an empty page
  with a token and a caller must keep following it.

Retention is recorded but events are not expired (AWS deletes them up to 72 hours late);
metric filters, subscriptions, Insights queries and KMS are not modelled.
"""

from __future__ import annotations

import itertools
import re

from ecs_cluster_manager.sim.backend import Backend, Params, Response, paginate
from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.logs.filter_pattern import compile_pattern
from ecs_cluster_manager.sim.logs.model import LogEvent, LogGroup, LogStream

_GROUP_NAME = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")
_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                   1827, 2192, 2557, 2922, 3288, 3653)
SCAN_WINDOW_MS = 3_600_000
MAX_EVENTS = 10_000


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterException", message)


class LogsBackend(Backend):
    service = "logs"

    def __init__(self, clock: VirtualClock, region: str, account_id: str) -> None:
        self.clock = clock
        self.region = region
        self.account_id = account_id
        self.groups: dict[str, LogGroup] = {}
        self._event_ids = itertools.count(1)  # 56-digit ids, as AWS shows them

    # -- the Python API (the Lambda log sink writes through it) ----------------------------

    def now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    def group(self, name: str) -> LogGroup:
        found = self.groups.get(name)
        if found is None:
            raise AwsError("ResourceNotFoundException", "The specified log group does not exist.")
        return found

    def stream(self, group: str, name: str) -> LogStream:
        found = self.group(group).streams.get(name)
        if found is None:
            raise AwsError("ResourceNotFoundException",
                           "The specified log stream does not exist.")
        return found

    def ensure_stream(self, group: str, name: str) -> LogStream:
        """The stream, creating it and its group if needed (as Lambda does on first write)."""
        if group not in self.groups:
            self.CreateLogGroup({"logGroupName": group})
        streams = self.groups[group].streams
        if name not in streams:
            streams[name] = LogStream(name, self.now_ms())
        return streams[name]

    def append(self, stream: LogStream, timestamp_ms: int, message: str) -> None:
        stream.events.append(LogEvent(timestamp_ms, message, self.now_ms(),
                                      f"{next(self._event_ids):056d}"))

    # -- operations -------------------------------------------------------------------------

    def CreateLogGroup(self, params: Params) -> Response:
        name = params["logGroupName"]
        if not _GROUP_NAME.fullmatch(name):
            raise _invalid(f"1 validation error detected: Value '{name}' at 'logGroupName' "
                           "failed to satisfy constraint: Member must satisfy regular "
                           "expression pattern: [\\.\\-_/#A-Za-z0-9]+")
        if name in self.groups:
            raise AwsError("ResourceAlreadyExistsException",
                           "The specified log group already exists")
        arn = f"arn:aws:logs:{self.region}:{self.account_id}:log-group:{name}"
        self.groups[name] = LogGroup(name, self.now_ms(), arn)
        return {}

    def DeleteLogGroup(self, params: Params) -> Response:
        self.groups.pop(self.group(params["logGroupName"]).name)
        return {}

    def PutRetentionPolicy(self, params: Params) -> Response:
        days = params["retentionInDays"]
        if days not in _RETENTION_DAYS:
            raise _invalid(f"1 validation error detected: Value '{days}' at 'retentionInDays' "
                           "failed to satisfy constraint: Member must satisfy enum value set: "
                           f"[{', '.join(str(d) for d in _RETENTION_DAYS)}]")
        self.group(params["logGroupName"]).retention_days = days
        return {}

    def DescribeLogGroups(self, params: Params) -> Response:
        prefix = params.get("logGroupNamePrefix", "")
        groups = [self.groups[n].describe() for n in sorted(self.groups) if n.startswith(prefix)]
        page, token = paginate(groups, params.get("nextToken"), params.get("limit"),
                               default=50, maximum=50, bad_token=_bad_token)
        return _with_token({"logGroups": list(page)}, token)

    def CreateLogStream(self, params: Params) -> Response:
        group = self.group(params["logGroupName"])
        name = params["logStreamName"]
        if name in group.streams:
            raise AwsError("ResourceAlreadyExistsException",
                           "The specified log stream already exists")
        group.streams[name] = LogStream(name, self.now_ms())
        return {}

    def DescribeLogStreams(self, params: Params) -> Response:
        group = self.group(_group_name(params))
        prefix = params.get("logStreamNamePrefix", "")
        by_time = params.get("orderBy") == "LastEventTime"
        if by_time and prefix:
            raise _invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
        now = self.now_ms()
        streams = [s.describe(group.arn, now) for s in group.streams.values()
                   if s.name.startswith(prefix)]
        streams.sort(key=(lambda s: s.get("lastEventTimestamp", 0)) if by_time
                     else (lambda s: s["logStreamName"]), reverse=bool(params.get("descending")))
        page, token = paginate(streams, params.get("nextToken"), params.get("limit"),
                               default=50, maximum=50, bad_token=_bad_token)
        return _with_token({"logStreams": list(page)}, token)

    def PutLogEvents(self, params: Params) -> Response:
        stream = self.stream(params["logGroupName"], params["logStreamName"])
        batch = params["logEvents"]
        if [e["timestamp"] for e in batch] != sorted(e["timestamp"] for e in batch):
            raise _invalid("Log events in a single PutLogEvents request must be in "
                           "chronological order.")
        for event in batch:
            self.append(stream, event["timestamp"], event["message"])
        return {}

    def GetLogEvents(self, params: Params) -> Response:
        stream = self.stream(_group_name(params), params["logStreamName"])
        events = _in_range(stream.events, params, end_inclusive=False)
        limit = min(int(params.get("limit", MAX_EVENTS)), MAX_EVENTS)
        forward = bool(params.get("startFromHead", False))
        token = params.get("nextToken")
        if token is None:
            position = 0 if forward else len(events)
        else:
            if not re.fullmatch(r"[fb]/\d{56}", token):
                raise _invalid("The specified nextToken is invalid.")
            position = min(int(token[2:]), len(events))
        start, end = (position, min(len(events), position + limit)) if forward else \
            (max(0, position - limit), position)
        page = events[start:end]
        return {
            "events": [{"timestamp": e.timestamp, "message": e.message,
                        "ingestionTime": e.ingestion_time} for e in page],
            "nextForwardToken": token if (token and forward and not page) else _token("f", end),
            "nextBackwardToken": token if (token and not forward and not page)
            else _token("b", start),
        }

    def FilterLogEvents(self, params: Params) -> Response:
        group = self.group(_group_name(params))
        names = params.get("logStreamNames")
        prefix = params.get("logStreamNamePrefix", "")
        if names and prefix:
            raise _invalid("logStreamNames and logStreamNamePrefix are mutually exclusive")
        streams = [s for s in group.streams.values()
                   if (s.name in names if names else s.name.startswith(prefix))]
        matches = compile_pattern(params.get("filterPattern"))
        scanned = sorted(((e, s.name) for s in streams
                          for e in _in_range(s.events, params, end_inclusive=True)),
                         key=lambda pair: pair[0].timestamp)  # stable: stream order kept
        cursor = _cursor(params.get("nextToken"))
        limit = min(int(params.get("limit", MAX_EVENTS)), MAX_EVENTS)
        found: list[Response] = []
        position = cursor
        if position < len(scanned):
            window_end = scanned[position][0].timestamp + SCAN_WINDOW_MS
            while (position < len(scanned) and len(found) < limit
                   and scanned[position][0].timestamp < window_end):
                event, stream_name = scanned[position]
                if matches(event.message):
                    found.append({"logStreamName": stream_name, "timestamp": event.timestamp,
                                  "message": event.message, "ingestionTime": event.ingestion_time,
                                  "eventId": event.event_id})
                position += 1
        response: Response = {"events": found, "searchedLogStreams": []}
        return _with_token(response, f"sim-{position}" if position < len(scanned) else None)


def _group_name(params: Params) -> str:
    """logGroupName, or the name inside logGroupIdentifier (a name or an ARN)."""
    if "logGroupName" in params:
        return str(params["logGroupName"])
    identifier = str(params.get("logGroupIdentifier", ""))
    if identifier.startswith("arn:"):
        return identifier.split(":log-group:", 1)[-1].removesuffix(":*")
    return identifier


def _in_range(events: list[LogEvent], params: Params, *, end_inclusive: bool
              ) -> list[LogEvent]:
    """startTime is inclusive; endTime is inclusive for FilterLogEvents ("later than this
    time are not returned") and exclusive for GetLogEvents ("equal to or later than this time
    are not included")."""
    start, end = params.get("startTime"), params.get("endTime")
    return [e for e in events if (start is None or e.timestamp >= start)
            and (end is None or e.timestamp < end or (end_inclusive and e.timestamp == end))]


def _with_token(response: Response, token: str | None) -> Response:
    if token:
        response["nextToken"] = token
    return response


def _token(direction: str, position: int) -> str:
    return f"{direction}/{position:056d}"


def _cursor(token: str | None) -> int:
    if token is None:
        return 0
    if not token.startswith("sim-") or not token[4:].isdigit():
        raise _bad_token()
    return int(token[4:])


def _bad_token() -> AwsError:
    return _invalid("The specified nextToken is invalid.")
