"""The forecast `ecm deploy` shows before it asks: the live stack's shape (`snapshot.py`) under
the settings the change set will deploy (its RollingUpdateBatchSize, drain and launch settings
and instance type), rolled a few times in the simulator."""

from __future__ import annotations

from dataclasses import replace

from ecs_cluster_manager.forecast import runs, snapshot
from ecs_cluster_manager.forecast.verdict import Forecast
from ecs_cluster_manager.ops.session import Clients

DEPLOY_RUNS = 3  # enough for a range; a preview must stay quick
INSTANCE_TYPE = "EcsInstanceType"


def forecast_change(clients: Clients, stack: str, parameters: dict[str, str],
                    batch: int) -> Forecast:
    """`parameters`: the change set's parameter values."""
    live = snapshot.from_stack(clients, stack)
    settings = {**live.parameters, **{k: v for k, v in parameters.items()
                                      if k in snapshot.ROLL_PARAMETERS}}
    scenario = live.scenario().model_copy(update={
        "lifecycle": live.scenario().lifecycle.model_copy(update={"parameters": settings})})
    forecast = runs.play(scenario, runs=DEPLOY_RUNS, batch=batch,
                         instance_type=parameters.get(INSTANCE_TYPE)).forecast
    return replace(forecast, notes=live.notes + forecast.notes)
