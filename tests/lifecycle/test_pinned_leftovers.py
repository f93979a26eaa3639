"""Pinning tests for leftovers.py, with its limits written out, not read from the module.

Written against the survivors of `make mutation`: the existing tests read MAX_PER_SWEEP and
EC2_FORGETS_AFTER_S from the module they check, so a changed constant passed them.
"""

from __future__ import annotations

from ecs_cluster_manager.lifecycle.leftovers import Leftover, LeftoverObservation, decide_leftovers

NOW = 100_000.0


def _leftover(n: int, registered: float | None = NOW - 60) -> Leftover:
    return Leftover(f"arn:aws:ecs:us-east-1:1:container-instance/c/ci-{n}", f"i-{n}", registered)


def test_five_deregistrations_per_sweep_at_most() -> None:
    """List, describe, one EC2 read and five deregistrations: 8 calls, within the 10 a wake-up may
    make (issue 10's bound); the next sweep takes the rest."""
    many = tuple(_leftover(n) for n in range(8))
    states = {f"i-{n}": "terminated" for n in range(8)}
    assert decide_leftovers(LeftoverObservation(NOW, many, states)) == tuple(m.arn for m in many[:5])
    assert len(decide_leftovers(LeftoverObservation(NOW, many[:5], states))) == 5
    assert len(decide_leftovers(LeftoverObservation(NOW, many[:4], states))) == 4


def test_an_instance_ec2_no_longer_describes_counts_as_terminated_after_one_hour() -> None:
    """EC2 keeps describing a terminated instance for about an hour (Amazon EC2 User Guide,
    "Terminate Amazon EC2 instances"); before that, an instance it does not describe may be new."""
    hour_old, older = _leftover(1, NOW - 3600), _leftover(2, NOW - 3601)
    assert decide_leftovers(LeftoverObservation(NOW, (hour_old, older), {})) == (older.arn,)
