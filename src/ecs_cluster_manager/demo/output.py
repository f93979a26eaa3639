"""How the demo shows itself: progress lines as it goes, a summary at the end.

On a terminal the current phase and simulated clock stay on one refreshed status line under
the scrolling events; otherwise (CI, a pipe) every event is a plain timestamped line.
"""

from __future__ import annotations

from typing import Any, TextIO

from ecs_cluster_manager.sim.scenario.summary import counts_text


def clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"+{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class Progress:
    def __init__(self, stream: TextIO, live: bool) -> None:
        self.stream = stream
        self.live = live
        self.phase = ""

    def say(self, at: float, text: str) -> None:
        if text.startswith("== "):
            self.phase = text[3:].split(":", 1)[0]
        if self.live:
            # Clear the status line, print the event, redraw the status line below it.
            self.stream.write(f"\r\x1b[K{clock_text(at)}  {text}\n")
            self.stream.write(f"\x1b[7m {self.phase or 'starting'} \x1b[0m simulated "
                              f"{clock_text(at)}")
        else:
            self.stream.write(f"{clock_text(at)}  {text}\n")
        self.stream.flush()

    def done(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def summary(report: dict[str, Any]) -> str:
    lines = [f"{report['name']}: {'PASSED' if report['passed'] else 'FAILED'} - simulated "
             f"{clock_text(report['simulated_seconds'])[1:]} in {report['wall_seconds']:.1f} s "
             f"of wall time; stack {report['stack']['name']} {report['stack']['status']}",
             "", "Phases (simulated duration, stack status):"]
    for phase in report["phases"]:
        mark = "ok" if phase["ok"] else "!!"
        lines.append(f"  [{mark}] {phase['name']:<10} {clock_text(phase['duration_s'])[1:]}  "
                     f"{phase['stack_status']}")
    lines += ["", "Lifecycle actions (phase, hook, result, completed by: count):"]
    for row in report["lifecycle_summary"]:
        lines.append(f"  {row['phase']:<10} {row['hook']:<9} {row['result']:<8} "
                     f"{row['by']}: {row['count']}")
    final = report["final_state"]
    lines += ["", f"Final state: instances {counts_text(final['instances'])}; images "
                  f"{counts_text(final['images'])}"]
    lines += [f"  service {s['name']}: {s['running']}/{s['desired']} running"
              f"{', steady' if s['steady'] else ''}" for s in final["services"]]
    lines += ["", "Invariants:"]
    for invariant in report["invariants"]:
        lines.append(f"  [{'held' if invariant['held'] else 'BROKEN'}] "
                     f"{invariant['description']}")
        lines += [f"      t={'-' if v['t'] is None else v['t']}: {v['detail']}"
                  for v in invariant["violations"][:5]]
    return "\n".join(lines)
