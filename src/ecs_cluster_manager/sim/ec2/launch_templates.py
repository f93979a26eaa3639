"""Launch templates and their numbered versions.

Follows "Modify a launch template (manage launch template versions)"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-launch-template-versions.html):
versions are numbered from 1, `$Latest` and `$Default` name the newest and the default version,
and a new version may start from a `SourceVersion` whose data it then overrides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ecs_cluster_manager.sim.errors import AwsError

# Members shared by RequestLaunchTemplateData and ResponseLaunchTemplateData that we echo back.
_ECHOED = ("ImageId", "InstanceType", "UserData", "KeyName", "SecurityGroupIds",
           "IamInstanceProfile", "TagSpecifications", "Monitoring")


@dataclass
class Version:
    number: int
    data: dict[str, Any]
    description: str
    created: float


@dataclass
class LaunchTemplate:
    template_id: str
    name: str
    created: float
    versions: list[Version] = field(default_factory=list)
    default_version: int = 1

    @property
    def latest(self) -> int:
        return len(self.versions)

    def resolve(self, version: str | int | None) -> Version:
        """A version by number, `$Latest` or `$Default` (None means `$Default`)."""
        text = "$Default" if version is None else str(version)
        if text == "$Latest":
            return self.versions[-1]
        if text == "$Default":
            return self.versions[self.default_version - 1]
        if not text.isdigit() or not 1 <= int(text) <= self.latest:
            raise AwsError(
                "InvalidLaunchTemplateId.VersionNotFound",
                f"Could not find launch template version {text} for launch template "
                f"with ID '{self.template_id}'.",
            )
        return self.versions[int(text) - 1]

    def describe(self) -> dict[str, Any]:
        return {
            "LaunchTemplateId": self.template_id,
            "LaunchTemplateName": self.name,
            "CreateTime": _dt(self.created),
            "CreatedBy": "arn:aws:iam::123456789012:root",
            "DefaultVersionNumber": self.default_version,
            "LatestVersionNumber": self.latest,
        }

    def describe_version(self, version: Version) -> dict[str, Any]:
        data = {key: version.data[key] for key in _ECHOED if key in version.data}
        return {
            "LaunchTemplateId": self.template_id,
            "LaunchTemplateName": self.name,
            "VersionNumber": version.number,
            "VersionDescription": version.description,
            "CreateTime": _dt(version.created),
            "CreatedBy": "arn:aws:iam::123456789012:root",
            "DefaultVersion": version.number == self.default_version,
            "LaunchTemplateData": data,
        }


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


class LaunchTemplates:
    """All launch templates of an account, by id and by name."""

    def __init__(self) -> None:
        self.by_id: dict[str, LaunchTemplate] = {}
        self.by_name: dict[str, LaunchTemplate] = {}

    def create(self, template_id: str, name: str, data: dict[str, Any], description: str,
               now: float) -> LaunchTemplate:
        if name in self.by_name:
            raise AwsError(
                "InvalidLaunchTemplateName.AlreadyExistsException",
                "Launch template name already in use.",
            )
        template = LaunchTemplate(template_id, name, now)
        template.versions.append(Version(1, dict(data), description, now))
        self.by_id[template_id] = template
        self.by_name[name] = template
        return template

    def find(self, template_id: str | None, name: str | None) -> LaunchTemplate:
        if template_id:
            template = self.by_id.get(template_id)
            if template is None:
                raise AwsError(
                    "InvalidLaunchTemplateId.NotFound",
                    f"The specified launch template, with template ID {template_id}, "
                    "does not exist.",
                )
            return template
        template = self.by_name.get(name or "")
        if template is None:
            raise AwsError(
                "InvalidLaunchTemplateName.NotFoundException",
                f"The specified launch template, with template name {name}, does not exist.",
            )
        return template

    def add_version(self, template: LaunchTemplate, data: dict[str, Any],
                    source: str | None, description: str, now: float) -> Version:
        base = dict(template.resolve(source).data) if source is not None else {}
        base.update(data)
        version = Version(template.latest + 1, base, description, now)
        template.versions.append(version)
        return version
