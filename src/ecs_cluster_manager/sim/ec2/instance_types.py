"""CPU units (1,024 per vCPU, as ECS counts them) and memory (MiB) of common instance types.

Sizes follow https://aws.amazon.com/ec2/instance-types/; ECS registers
`vCPU x 1024` CPU units (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_environment).
"""

from __future__ import annotations

INSTANCE_RESOURCES: dict[str, tuple[int, int]] = {
    "t3.micro": (2048, 1024),
    "t3.small": (2048, 2048),
    "t3.medium": (2048, 4096),
    "t3.large": (2048, 8192),
    "t3.xlarge": (4096, 16384),
    "m4.large": (2048, 8192),
    "m4.xlarge": (4096, 16384),
    "m5.large": (2048, 8192),
    "m5.xlarge": (4096, 16384),
    "m5.2xlarge": (8192, 32768),
    "m6i.large": (2048, 8192),
    "m6i.xlarge": (4096, 16384),
    "m7g.large": (2048, 8192),
    "c5.large": (2048, 4096),
    "c5.xlarge": (4096, 8192),
    "c5.2xlarge": (8192, 16384),
    "c6i.large": (2048, 4096),
    "r5.large": (2048, 16384),
    "r5.xlarge": (4096, 32768),
}
