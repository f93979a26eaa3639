""""AWS API Call via CloudTrail" events, only for an account that has a trail.

EventBridge receives these only when "a CloudTrail trail with logging" is enabled
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html), and
"events from API actions that start with the keywords List, Get, or Describe aren't processed".
Delivery lags the call; CloudTrail documents no bound, so the delay is a setting.
The detail follows the CloudTrail record contents page
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html);
request parameters appear with lower-camel-case keys, as CloudTrail records them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.events.envelope import Event, envelope, iso_time
from ecs_cluster_manager.sim.ids import IdFactory

READ_ONLY_PREFIXES = ("List", "Get", "Describe")


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: _camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    if isinstance(value, bytes):
        return "HIDDEN_DUE_TO_SECURITY_REASONS"
    return value


class CloudTrail:
    """Turns mutating API calls into delayed EventBridge events when `enabled`."""

    def __init__(self, clock: VirtualClock, ids: IdFactory, region: str, account_id: str,
                 put: Callable[[Event], None], *, enabled: bool = False,
                 delay_s: float = 120.0) -> None:
        self.clock = clock
        self.ids = ids
        self.region = region
        self.account_id = account_id
        self.put = put
        self.enabled = enabled
        self.delay_s = delay_s

    def record(self, service: str, endpoint_prefix: str, operation: str,
               params: dict[str, Any], request_id: str) -> None:
        if not self.enabled or operation.startswith(READ_ONLY_PREFIXES):
            return
        now = self.clock.now()
        detail = {
            "eventVersion": "1.08",
            "userIdentity": {"type": "AssumedRole", "accountId": self.account_id,
                             "principalId": "AROASIMULATED:ecm-sim",
                             "arn": f"arn:aws:sts::{self.account_id}:assumed-role/ecm-sim/ecm-sim"},
            "eventTime": iso_time(now),
            "eventSource": f"{endpoint_prefix}.amazonaws.com",
            "eventName": operation,
            "awsRegion": self.region,
            "sourceIPAddress": "192.0.2.0",
            "userAgent": "ecm-simulator",
            "requestParameters": _camel(params) or None,
            "responseElements": None,
            "requestID": request_id,
            "eventID": self.ids.uuid(),
            "eventType": "AwsApiCall",
            "recipientAccountId": self.account_id,
        }
        event = envelope(event_id=self.ids.uuid(), source=f"aws.{service}",
                         detail_type="AWS API Call via CloudTrail", detail=detail, resources=[],
                         account=self.account_id, region=self.region, time=now)
        self.clock.call_later(self.delay_s, lambda: self.put(event))
