"""ecs-cluster-manager: Auto Scaling lifecycle hooks that make ECS-on-EC2 rollouts safe.

This file is shipped inside the Lambda zips, so it must stay free of imports.
"""

__version__ = "0.1.0"
