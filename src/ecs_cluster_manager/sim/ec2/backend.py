"""Simulated Amazon EC2: instances, tags, user data and launch templates.

Operation semantics follow the EC2 API Reference pages of the same names
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Operations.html) and error codes
its "Error codes" page (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
State changes are published as "EC2 Instance State-change Notification" events
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from ecs_cluster_manager.sim.backend import Backend, Params, Response, paginate, with_next_token
from ecs_cluster_manager.sim.clock import VirtualClock
from ecs_cluster_manager.sim.ec2 import spot
from ecs_cluster_manager.sim.ec2.filters import instance_predicates, tag_predicate
from ecs_cluster_manager.sim.ec2.instance_types import INSTANCE_RESOURCES
from ecs_cluster_manager.sim.ec2.instances import (
    STATE_CODES,
    Instance,
    StateListener,
    TargetStateListener,
    Timings,
)
from ecs_cluster_manager.sim.ec2.launch_templates import LaunchTemplates
from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.sim.events.envelope import Publish
from ecs_cluster_manager.sim.ids import IdFactory

_INSTANCE_ID = re.compile(r"^i-([0-9a-f]{8}|[0-9a-f]{17})$")


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _bad_token() -> AwsError:
    return AwsError("InvalidParameterValue", "The specified NextToken is not valid.")


class Ec2Backend(Backend):
    service = "ec2"

    def __init__(self, clock: VirtualClock, ids: IdFactory, region: str, account_id: str,
                 publish: Publish, *, timings: Timings | None = None) -> None:
        self.clock = clock
        self.ids = ids
        self.region = region
        self.account_id = account_id
        self.publish = publish
        self.timings = timings or Timings()
        self.instances: dict[str, Instance] = {}
        self.templates = LaunchTemplates()
        self.listeners: list[StateListener] = []
        self.target_state_listeners: list[TargetStateListener] = []

    # -- the world's side: launching and terminating --------------------------------------

    def launch(self, *, image_id: str, instance_type: str, availability_zone: str,
               user_data: str = "", tags: dict[str, str] | None = None, subnet_id: str = "",
               launch_template: tuple[str, str, str] | None = None,
               reservation_id: str | None = None) -> Instance:
        """Start an instance in `pending`; it reaches `running` after the boot time."""
        if instance_type not in INSTANCE_RESOURCES:
            raise AwsError("InvalidParameterValue",
                           f"The following supplied instance types do not exist: [{instance_type}]")
        instance = Instance(
            instance_id=self.ids.instance_id(), image_id=image_id, instance_type=instance_type,
            availability_zone=availability_zone, launch_time=self.clock.now(),
            reservation_id=reservation_id or self.ids.prefixed("r"), user_data=user_data,
            subnet_id=subnet_id, tags=dict(tags or {}), launch_template=launch_template,
        )
        self.instances[instance.instance_id] = instance
        self._notify(instance, "")
        self._announce(instance)
        self.clock.call_later(self.timings.boot_s, lambda: self._boot_done(instance))
        return instance

    def terminate(self, instance: Instance, reason: str = "User initiated") -> str:
        """Move an instance to shutting-down (terminated after the shutdown time)."""
        previous = instance.state
        if previous in ("shutting-down", "terminated"):
            return previous
        instance.state_reason = f"{reason} ({instance_time(self.clock.now())})"
        self._set_state(instance, "shutting-down")
        self.clock.call_later(self.timings.shutdown_s, lambda: self._shutdown_done(instance))
        return previous

    def terminate_out_of_band(self, instance_id: str, reason: str = "User initiated") -> bool:
        """Fault API: terminate an instance as an operator's TerminateInstances would, outside
        Auto Scaling (no lifecycle hook runs). False when it is already shutting down or gone."""
        instance = self.instances.get(instance_id)
        if instance is None or not instance.alive:
            return False
        self.terminate(instance, reason)
        return True

    def interrupt_spot(self, instance_id: str, warning_s: float = spot.WARNING_S,
                       action: str = "terminate") -> bool:
        """Fault API: a Spot interruption: the "EC2 Spot Instance Interruption Warning" event
        now, the termination (or, with `action` "stop"/"hibernate", the stop) `warning_s` later
        (`sim/ec2/spot.py`). False when the instance is already shutting down or gone."""
        instance = self.instances.get(instance_id)
        if instance is None or not instance.alive:
            return False
        spot.interrupt(self, instance, warning_s, action)
        return True

    def stop(self, instance: Instance, reason: str = "User initiated") -> None:
        """running -> stopping -> stopped after the stop time (as Auto Scaling stops an instance
        entering a warm pool in the Stopped state)."""
        if instance.state != "running":
            return
        instance.state_reason = f"{reason} ({instance_time(self.clock.now())})"
        self._set_state(instance, "stopping")
        self.clock.call_later(self.timings.stop_s, lambda: self._stop_done(instance))

    def start(self, instance: Instance) -> None:
        """stopped -> pending -> running. A start is a new launch for the API: "LaunchTime: the
        time that the instance was last launched"
        (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html)."""
        if instance.state != "stopped":
            return
        instance.launch_time = self.clock.now()
        instance.state_reason = ""
        self._set_state(instance, "pending")
        self.clock.call_later(self.timings.boot_s, lambda: self._boot_done(instance))

    def _stop_done(self, instance: Instance) -> None:
        if instance.state == "stopping":
            self._set_state(instance, "stopped")

    def set_target_lifecycle_state(self, instance: Instance, state: str) -> None:
        """Auto Scaling updates the instance metadata item autoscaling/target-lifecycle-state
        as the instance heads for a steady state
        (https://docs.aws.amazon.com/autoscaling/ec2/userguide/retrieving-target-lifecycle-state-through-imds.html)."""
        if instance.target_lifecycle_state == state:
            return
        instance.target_lifecycle_state = state
        for listener in self.target_state_listeners:
            listener(instance)

    def _boot_done(self, instance: Instance) -> None:
        if instance.state == "pending":
            self._set_state(instance, "running")

    def _shutdown_done(self, instance: Instance) -> None:
        instance.terminated_at = self.clock.now()
        self._set_state(instance, "terminated")
        self.clock.call_later(self.timings.visible_after_termination_s,
                              lambda: self.instances.pop(instance.instance_id, None))

    def _set_state(self, instance: Instance, state: str) -> None:
        previous, instance.state = instance.state, state
        self._notify(instance, previous)
        self._announce(instance)

    def _announce(self, instance: Instance) -> None:
        arn = f"arn:aws:ec2:{self.region}:{self.account_id}:instance/{instance.instance_id}"
        self.publish("aws.ec2", "EC2 Instance State-change Notification",
                     {"instance-id": instance.instance_id, "state": instance.state}, [arn])

    def _notify(self, instance: Instance, previous: str) -> None:
        for listener in self.listeners:
            listener(instance, previous)

    def get(self, instance_ids: Iterable[str]) -> list[Instance]:
        """Instances by id, in order; InvalidInstanceID.* as AWS reports unknown ids."""
        ids = list(dict.fromkeys(instance_ids))
        for instance_id in ids:
            if not _INSTANCE_ID.match(instance_id):
                raise AwsError("InvalidInstanceID.Malformed", f'Invalid id: "{instance_id}"')
        missing = [i for i in ids if i not in self.instances]
        if len(missing) == 1:
            raise AwsError("InvalidInstanceID.NotFound",
                           f"The instance ID '{missing[0]}' does not exist")
        if missing:
            raise AwsError("InvalidInstanceID.NotFound",
                           f"The instance IDs '{', '.join(missing)}' do not exist")
        return [self.instances[i] for i in ids]

    # -- instances ----------------------------------------------------------------------

    def describe_instance(self, instance: Instance) -> dict[str, Any]:
        description: dict[str, Any] = {
            "InstanceId": instance.instance_id,
            "ImageId": instance.image_id,
            "InstanceType": instance.instance_type,
            "LaunchTime": _dt(instance.launch_time),
            "Placement": {"AvailabilityZone": instance.availability_zone, "Tenancy": "default"},
            "State": instance.state_dict,
            "StateTransitionReason": instance.state_reason,
            "AmiLaunchIndex": 0,
            "Architecture": "x86_64",
        }
        if instance.subnet_id:
            description["SubnetId"] = instance.subnet_id
        if instance.tags:
            description["Tags"] = _tags(instance.tags)
        return description

    def RunInstances(self, params: Params) -> Response:
        template_spec = params.get("LaunchTemplate")
        data: dict[str, Any] = {}
        lt: tuple[str, str, str] | None = None
        if template_spec:
            template = self.templates.find(template_spec.get("LaunchTemplateId"),
                                          template_spec.get("LaunchTemplateName"))
            version = template.resolve(template_spec.get("Version"))
            data = dict(version.data)
            lt = (template.template_id, template.name, str(version.number))
        data.update({k: v for k, v in params.items() if k in ("ImageId", "InstanceType",
                                                               "UserData")})
        if "ImageId" not in data:
            raise AwsError("MissingParameter", "The request must contain the parameter ImageId")
        tags = {t["Key"]: t["Value"] for spec in params.get("TagSpecifications", [])
                if spec.get("ResourceType") == "instance" for t in spec.get("Tags", [])}
        zone = params.get("Placement", {}).get("AvailabilityZone", f"{self.region}a")
        reservation = self.ids.prefixed("r")
        launched = [
            self.launch(image_id=data["ImageId"], instance_type=data.get("InstanceType", "m5.large"),
                        availability_zone=zone, user_data=data.get("UserData", ""), tags=tags,
                        launch_template=lt, reservation_id=reservation)
            for _ in range(params["MaxCount"])
        ]
        return {"ReservationId": reservation, "OwnerId": self.account_id, "Groups": [],
                "Instances": [self.describe_instance(i) for i in launched]}

    def DescribeInstances(self, params: Params) -> Response:
        ids = params.get("InstanceIds")
        limit = params.get("MaxResults")
        if ids and limit is not None:
            raise AwsError("InvalidParameterCombination",
                           "The parameter instancesSet cannot be used with the parameter "
                           "maxResults")
        if limit is not None and not 5 <= limit <= 1000:
            raise AwsError("InvalidParameterValue",
                           f"Value ( {limit} ) for parameter maxResults is invalid. "
                           "Expecting a value greater than 5.")
        candidates = self.get(ids) if ids else list(self.instances.values())
        predicates = instance_predicates(params.get("Filters", []))
        matched = [i for i in candidates if all(p(i) for p in predicates)]
        page, token = paginate(matched, params.get("NextToken"), limit, default=len(matched) or 1,
                               maximum=1000, bad_token=_bad_token)
        reservations: dict[str, list[dict[str, Any]]] = {}
        for instance in page:
            reservations.setdefault(instance.reservation_id, []).append(
                self.describe_instance(instance))
        response: Response = {"Reservations": [
            {"ReservationId": rid, "OwnerId": self.account_id, "Groups": [], "Instances": found}
            for rid, found in reservations.items()
        ]}
        return with_next_token(response, token)

    def DescribeInstanceAttribute(self, params: Params) -> Response:
        (instance,) = self.get([params["InstanceId"]])
        attribute = params["Attribute"]
        response: Response = {"InstanceId": instance.instance_id}
        if attribute == "userData":
            response["UserData"] = {"Value": instance.user_data} if instance.user_data else {}
        elif attribute == "instanceType":
            response["InstanceType"] = {"Value": instance.instance_type}
        else:
            raise AwsError("InvalidParameterValue",
                           f"Value ({attribute}) for parameter attribute is invalid. "
                           "The simulator models userData and instanceType.")
        return response

    def TerminateInstances(self, params: Params) -> Response:
        return {"TerminatingInstances": self._change_states(params["InstanceIds"],
                                                            self.terminate)}

    def StopInstances(self, params: Params) -> Response:
        """An operator's stop: outside Auto Scaling, which notices it at its health check."""
        return {"StoppingInstances": self._change_states(
            params["InstanceIds"], self.stop, ("terminated", "shutting-down"), "stopped")}

    def StartInstances(self, params: Params) -> Response:
        return {"StartingInstances": self._change_states(
            params["InstanceIds"], self.start, ("terminated", "shutting-down", "stopping"),
            "started")}

    def _change_states(self, instance_ids: list[str], change: Callable[[Instance], object],
                       refused: tuple[str, ...] = (), verb: str = "") -> list[dict[str, Any]]:
        """Apply `change` to each instance; IncorrectInstanceState for a state in `refused`
        (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
        instances = self.get(instance_ids)
        for instance in instances:
            if instance.state in refused:
                raise AwsError("IncorrectInstanceState",
                               f"The instance '{instance.instance_id}' is not in a state from "
                               f"which it can be {verb}.")
        changes = []
        for instance in instances:
            previous = instance.state
            change(instance)
            changes.append({"InstanceId": instance.instance_id,
                            "CurrentState": instance.state_dict,
                            "PreviousState": {"Code": _code(previous), "Name": previous}})
        return changes

    # -- tags ---------------------------------------------------------------------------

    def CreateTags(self, params: Params) -> Response:
        instances = self.get(params["Resources"])
        for instance in instances:
            for tag in params["Tags"]:
                instance.tags[tag["Key"]] = tag.get("Value", "")
        return {}

    def DeleteTags(self, params: Params) -> Response:
        for instance in self.get(params["Resources"]):
            for tag in params.get("Tags") or [{"Key": k} for k in list(instance.tags)]:
                if "Value" not in tag or instance.tags.get(tag["Key"]) == tag["Value"]:
                    instance.tags.pop(tag["Key"], None)
        return {}

    def DescribeTags(self, params: Params) -> Response:
        keep = tag_predicate(params.get("Filters", []))
        rows = [
            {"Key": key, "ResourceId": i.instance_id, "ResourceType": "instance", "Value": value}
            for i in self.instances.values() for key, value in i.tags.items()
        ]
        matched = [row for row in rows if keep(row)]
        page, token = paginate(matched, params.get("NextToken"), params.get("MaxResults"),
                               default=1000, maximum=1000, bad_token=_bad_token)
        response: Response = {"Tags": list(page)}
        return with_next_token(response, token)

    # -- launch templates -----------------------------------------------------------------

    def CreateLaunchTemplate(self, params: Params) -> Response:
        template = self.templates.create(
            self.ids.prefixed("lt"), params["LaunchTemplateName"], params["LaunchTemplateData"],
            params.get("VersionDescription", ""), self.clock.now())
        return {"LaunchTemplate": template.describe()}

    def CreateLaunchTemplateVersion(self, params: Params) -> Response:
        template = self.templates.find(params.get("LaunchTemplateId"),
                                       params.get("LaunchTemplateName"))
        version = self.templates.add_version(
            template, params["LaunchTemplateData"], params.get("SourceVersion"),
            params.get("VersionDescription", ""), self.clock.now())
        return {"LaunchTemplateVersion": template.describe_version(version)}

    def ModifyLaunchTemplate(self, params: Params) -> Response:
        template = self.templates.find(params.get("LaunchTemplateId"),
                                       params.get("LaunchTemplateName"))
        if "DefaultVersion" in params:
            template.default_version = template.resolve(params["DefaultVersion"]).number
        return {"LaunchTemplate": template.describe()}

    def DescribeLaunchTemplates(self, params: Params) -> Response:
        ids, names = params.get("LaunchTemplateIds"), params.get("LaunchTemplateNames")
        if ids or names:
            templates = [self.templates.find(i, None) for i in ids or []]
            templates += [self.templates.find(None, n) for n in names or []]
        else:
            templates = list(self.templates.by_id.values())
        return {"LaunchTemplates": [t.describe() for t in templates]}

    def DescribeLaunchTemplateVersions(self, params: Params) -> Response:
        template = self.templates.find(params.get("LaunchTemplateId"),
                                       params.get("LaunchTemplateName"))
        wanted = params.get("Versions")
        versions = ([template.resolve(v) for v in wanted] if wanted
                    else list(reversed(template.versions)))
        return {"LaunchTemplateVersions": [template.describe_version(v) for v in versions]}


def _code(state: str) -> int:
    return STATE_CODES[state]


def instance_time(epoch: float) -> str:
    """EC2's StateTransitionReason timestamp format, e.g. "2026-01-01 00:00:00 GMT"."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M:%S GMT")
