"""`ecm`'s operator commands pointed at a simulated account instead of AWS."""

from __future__ import annotations

from ecs_cluster_manager.ops.session import Clients, ClientsFactory
from ecs_cluster_manager.sim.account import SimAccount


def simulated_clients(account: SimAccount) -> Clients:
    """Clients answered by `account`; waiting runs its virtual clock instead of sleeping."""
    return Clients(account.session, now=account.clock.now, sleep=account.clock.run_for)


def simulated_factory(account: SimAccount) -> ClientsFactory:
    """A `main(clients_factory=...)` that ignores --profile/--region: the simulated account
    never reads the user's AWS configuration."""
    clients = simulated_clients(account)

    def factory(profile: str | None, region: str | None) -> Clients:
        return clients

    return factory
