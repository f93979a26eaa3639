"""`ecm snapshot --anonymize`: the same shape under made-up names.

Services become service-1, service-2 ..., task families task-1 ..., the cluster cluster-1, the
group group-1 and the stack stack-1, each consistently (a name used twice maps to the same new
name, in the notes too). Sizes, counts and settings are kept: they are what a forecast needs.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ecs_cluster_manager.forecast.snapshot import Snapshot


def _mapping(snapshot: Snapshot) -> dict[str, str]:
    names: dict[str, str] = {}
    for index, service in enumerate(snapshot.shape.services, start=1):
        names.setdefault(service.name, f"service-{index}")
    for index, task in enumerate(snapshot.shape.standalone_tasks, start=1):
        names.setdefault(task.family, f"task-{index}")
    for name, new in ((snapshot.stack, "stack-1"), (snapshot.cluster, "cluster-1"),
                      (snapshot.group, "group-1")):
        if name:
            names.setdefault(name, new)
    return names


def _rename_in(text: str, names: dict[str, str]) -> str:
    if not names:
        return text
    # longest first, whole names only: "web" must not rewrite "web-admin"
    pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(name)}(?![\w-])"
                                  for name in sorted(names, key=len, reverse=True)))
    return pattern.sub(lambda match: names[match.group(0)], text)


def anonymize(snapshot: Snapshot) -> Snapshot:
    names = _mapping(snapshot)
    shape = snapshot.shape.model_copy(update={
        "services": [s.model_copy(update={"name": names[s.name]})
                     for s in snapshot.shape.services],
        "standalone_tasks": [t.model_copy(update={"family": names[t.family]})
                             for t in snapshot.shape.standalone_tasks]})
    return replace(snapshot, stack=names.get(snapshot.stack or ""),
                   cluster=names[snapshot.cluster], group=names[snapshot.group], shape=shape,
                   notes=tuple(_rename_in(note, names) for note in snapshot.notes))
