"""Providers for the resources that are created in one call and updated in place.

Each follows its type's page in the CloudFormation Template Reference for what Ref and GetAtt
return (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-cluster.html,
aws-resource-ec2-launchtemplate.html, aws-resource-lambda-function.html,
aws-resource-lambda-permission.html, aws-resource-events-rule.html, aws-resource-logs-loggroup.html).
"""

from __future__ import annotations

import json
from typing import Any

from ecs_cluster_manager.sim.cloudformation.model import StackResource
from ecs_cluster_manager.sim.cloudformation.process import Step
from ecs_cluster_manager.sim.cloudformation.providers.base import Context, Provider


class EcsCluster(Provider):
    def create(self, ctx: Context, resource: StackResource, props: dict[str, Any]) -> Step[None]:
        name = props.get("ClusterName") or ctx.physical_name(resource.logical_id, 255)
        kwargs: dict[str, Any] = {"clusterName": name}
        settings = [{"name": s["Name"], "value": s["Value"]} for s in props.get("ClusterSettings", [])]
        if settings:
            kwargs["settings"] = settings
        cluster = ctx.client("ecs").create_cluster(**kwargs)["cluster"]
        resource.physical_id = name
        resource.attributes = {"Arn": cluster["clusterArn"]}
        yield 1.0

    def update(self, ctx: Context, resource: StackResource, old: dict[str, Any],
               new: dict[str, Any]) -> Step[None]:
        # Settings only; a new ClusterName would need replacement, which is not modelled.
        yield 1.0

    def delete(self, ctx: Context, resource: StackResource) -> Step[None]:
        ctx.client("ecs").delete_cluster(cluster=resource.physical_id)
        yield 1.0


class LaunchTemplate(Provider):
    """An update adds a version and makes it the default; LatestVersionNumber follows it.
    Rolling back makes the previous version the default again (it does not copy it)."""

    def create(self, ctx: Context, resource: StackResource, props: dict[str, Any]) -> Step[None]:
        name = props.get("LaunchTemplateName") or ctx.physical_name(resource.logical_id, 128)
        created = ctx.client("ec2").create_launch_template(
            LaunchTemplateName=name, LaunchTemplateData=props["LaunchTemplateData"])
        template = created["LaunchTemplate"]
        resource.physical_id = template["LaunchTemplateId"]
        resource.attributes = {"LatestVersionNumber": str(template["LatestVersionNumber"]),
                               "DefaultVersionNumber": str(template["DefaultVersionNumber"])}
        yield 1.0

    def update(self, ctx: Context, resource: StackResource, old: dict[str, Any],
               new: dict[str, Any]) -> Step[None]:
        ec2 = ctx.client("ec2")
        version = ec2.create_launch_template_version(
            LaunchTemplateId=resource.physical_id,
            LaunchTemplateData=new["LaunchTemplateData"])["LaunchTemplateVersion"]["VersionNumber"]
        ec2.modify_launch_template(LaunchTemplateId=resource.physical_id,
                                   DefaultVersion=str(version))
        resource.attributes = {"LatestVersionNumber": str(version),
                               "DefaultVersionNumber": str(version)}
        yield 1.0

    def restore(self, ctx: Context, resource: StackResource, previous: StackResource
                ) -> Step[None]:
        ctx.client("ec2").modify_launch_template(
            LaunchTemplateId=resource.physical_id,
            DefaultVersion=str(previous.attributes["DefaultVersionNumber"]))
        resource.attributes = dict(previous.attributes)
        yield 1.0

    def delete(self, ctx: Context, resource: StackResource) -> Step[None]:
        yield 1.0  # the simulated EC2 has no DeleteLaunchTemplate; the template stays


class LambdaFunction(Provider):
    """Code is read from the S3 object named in Code (S3Bucket/S3Key), as CloudFormation
    does, so the function runs exactly the uploaded zip."""

    def _settings(self, props: dict[str, Any]) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "Runtime": props.get("Runtime", "python3.12"), "Role": props["Role"],
            "Handler": props["Handler"], "Timeout": int(props.get("Timeout", 3)),
            "MemorySize": int(props.get("MemorySize", 128)),
            "Description": props.get("Description", ""),
        }
        if "Environment" in props:
            settings["Environment"] = {"Variables": {
                k: str(v) for k, v in props["Environment"].get("Variables", {}).items()}}
        if "LoggingConfig" in props:
            settings["LoggingConfig"] = dict(props["LoggingConfig"])
        return settings

    def _code(self, ctx: Context, code: dict[str, Any]) -> bytes:
        if "ZipFile" in code:
            raise NotImplementedError("inline ZipFile code is not modelled")
        body = ctx.client("s3").get_object(Bucket=code["S3Bucket"], Key=code["S3Key"])["Body"]
        data: bytes = body.read()
        return data

    def create(self, ctx: Context, resource: StackResource, props: dict[str, Any]) -> Step[None]:
        name = props.get("FunctionName") or ctx.physical_name(resource.logical_id)
        created = ctx.client("lambda").create_function(
            FunctionName=name, Code={"ZipFile": self._code(ctx, props["Code"])},
            Architectures=props.get("Architectures", ["x86_64"]), **self._settings(props))
        resource.physical_id = name
        resource.attributes = {"Arn": created["FunctionArn"]}
        yield 2.0

    def update(self, ctx: Context, resource: StackResource, old: dict[str, Any],
               new: dict[str, Any]) -> Step[None]:
        client = ctx.client("lambda")
        if new.get("Code") != old.get("Code"):
            client.update_function_code(FunctionName=resource.physical_id,
                                        ZipFile=self._code(ctx, new["Code"]))
        client.update_function_configuration(FunctionName=resource.physical_id,
                                             **self._settings(new))
        yield 2.0

    def delete(self, ctx: Context, resource: StackResource) -> Step[None]:
        ctx.client("lambda").delete_function(FunctionName=resource.physical_id)
        yield 1.0


class LambdaPermission(Provider):
    def create(self, ctx: Context, resource: StackResource, props: dict[str, Any]) -> Step[None]:
        statement = ctx.physical_name(resource.logical_id, 100)
        kwargs = {"FunctionName": props["FunctionName"], "StatementId": statement,
                  "Action": props["Action"], "Principal": props["Principal"]}
        if "SourceArn" in props:
            kwargs["SourceArn"] = props["SourceArn"]
        ctx.client("lambda").add_permission(**kwargs)
        resource.physical_id = statement
        yield 1.0

    def update(self, ctx: Context, resource: StackResource, old: dict[str, Any],
               new: dict[str, Any]) -> Step[None]:
        yield 1.0  # a permission is replaced in AWS; the simulator keeps the statement


class EventsRule(Provider):
    def _put(self, ctx: Context, name: str, props: dict[str, Any]) -> str:
        client = ctx.client("events")
        kwargs: dict[str, Any] = {"Name": name, "State": props.get("State", "ENABLED"),
                                  "Description": props.get("Description", "")}
        if "EventPattern" in props:
            kwargs["EventPattern"] = json.dumps(props["EventPattern"])
        if "ScheduleExpression" in props:
            kwargs["ScheduleExpression"] = props["ScheduleExpression"]
        arn: str = client.put_rule(**kwargs)["RuleArn"]
        targets = [{k: v for k, v in t.items() if k in ("Id", "Arn", "Input", "InputPath")}
                   for t in props.get("Targets", [])]
        if targets:
            client.put_targets(Rule=name, Targets=targets)
        return arn

    def create(self, ctx: Context, resource: StackResource, props: dict[str, Any]) -> Step[None]:
        name = props.get("Name") or ctx.physical_name(resource.logical_id)
        resource.attributes = {"Arn": self._put(ctx, name, props)}
        resource.physical_id = name
        yield 1.0

    def update(self, ctx: Context, resource: StackResource, old: dict[str, Any],
               new: dict[str, Any]) -> Step[None]:
        self._put(ctx, resource.physical_id, new)
        yield 1.0

    def delete(self, ctx: Context, resource: StackResource) -> Step[None]:
        client = ctx.client("events")
        ids = [t["Id"] for t in resource.properties.get("Targets", [])]
        if ids:
            client.remove_targets(Rule=resource.physical_id, Ids=ids)
        client.delete_rule(Name=resource.physical_id)
        yield 1.0


class LogGroup(Provider):
    """Ref is the group's name; GetAtt Arn is `arn:…:log-group:NAME:*`."""

    def create(self, ctx: Context, resource: StackResource, props: dict[str, Any]) -> Step[None]:
        name = props.get("LogGroupName") or ctx.physical_name(resource.logical_id, 512)
        ctx.client("logs").create_log_group(logGroupName=name)
        resource.physical_id = name
        resource.attributes = {"Arn": ctx.arn("logs", f"log-group:{name}:*")}
        yield from self.update(ctx, resource, {}, props)

    def update(self, ctx: Context, resource: StackResource, old: dict[str, Any],
               new: dict[str, Any]) -> Step[None]:
        if "RetentionInDays" in new and new.get("RetentionInDays") != old.get("RetentionInDays"):
            ctx.client("logs").put_retention_policy(logGroupName=resource.physical_id,
                                                    retentionInDays=int(new["RetentionInDays"]))
        yield 1.0

    def delete(self, ctx: Context, resource: StackResource) -> Step[None]:
        ctx.client("logs").delete_log_group(logGroupName=resource.physical_id)
        yield 1.0
