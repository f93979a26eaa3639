"""A worker process: imports the heavy libraries once, then runs each mutant in a fresh fork.

Reads one JSON request per line on stdin ({"module", "path", "source", "tests", "timeout"}) and
answers one JSON line on stdout ({"outcome": killed | survived | timeout | error, "seconds",
"cpu"}: wall and CPU seconds of the fork).
The fork starts from a process that has imported no project module, so the mutated module is
the only one the tests can get; SIGALRM ends a mutant that loops.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import boto3  # preloaded once per worker, shared by every fork
import botocore.session
import hypothesis
import pytest

from .coverage import LineCoverage
from .hook import install

PRELOADED = (boto3, botocore.session, hypothesis)
# Hypothesis in a mutation run: 25 examples per property (a mutant must be caught by an edge
# case, an @example or a generator that reaches it, not by the luck of a hundred random draws),
# no shrinking (pass or fail is all that counts) and no example database (a mutant's failures
# must not be replayed by the normal test run).
MAX_EXAMPLES = 25
PHASES = (hypothesis.Phase.explicit, hypothesis.Phase.reuse, hypothesis.Phase.generate)
PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-m", "not slow",
               "--hypothesis-seed=0", "-o", "addopts="]
EXIT_TESTS_FAILED = 1
EXIT_USAGE = 4
EXIT_NO_TESTS = 5


class _FewerExamples:
    """Runs after the test suite's own conftest has loaded its Hypothesis profile."""

    def pytest_configure(self, config: pytest.Config) -> None:
        settings = hypothesis.settings
        settings.register_profile("mutation", settings.default, max_examples=MAX_EXAMPLES, phases=PHASES,
                                  database=None)
        settings.load_profile("mutation")


def _child(request: dict[str, Any]) -> None:
    """In the fork: run the tests against the mutant and exit with pytest's code."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    signal.alarm(int(request["timeout"]))
    code = 3
    try:
        if request.get("coverage"):
            code = _measure_coverage(request)
        else:
            if request["source"] is not None:
                install(request["module"], request["source"], request["path"])
            code = int(pytest.main([*PYTEST_ARGS, *request["tests"]], plugins=[_FewerExamples()]))
    finally:
        os._exit(code)


def _measure_coverage(request: dict[str, Any]) -> int:
    """The unmutated tests, all of them (no -x), recording which test runs which line."""
    plugin = LineCoverage(Path(request["coverage"]["directory"]))
    plugin.start()
    code = int(pytest.main([*PYTEST_ARGS[1:], *request["tests"]], plugins=[plugin, _FewerExamples()]))
    sys.settrace(None)
    Path(request["coverage"]["output"]).write_text(json.dumps(plugin.as_json()), encoding="utf-8")
    return code


def run_one(request: dict[str, Any]) -> dict[str, Any]:
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(request)
    _, status, usage = os.wait4(pid, 0)
    seconds = round(time.monotonic() - started, 2)
    cpu = round(usage.ru_utime + usage.ru_stime, 2)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
        return {"outcome": "timeout", "seconds": seconds, "cpu": cpu}
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    if code == 0:
        return {"outcome": "survived", "seconds": seconds, "cpu": cpu}
    if code in (EXIT_USAGE, EXIT_NO_TESTS):
        return {"outcome": "error", "seconds": seconds, "cpu": cpu, "detail": f"pytest exit code {code}"}
    # Failed tests, or a mutant that breaks collection (import error): the tests noticed it.
    return {"outcome": "killed", "seconds": seconds, "cpu": cpu, "code": code}


def main() -> None:
    # Rewritten test modules are cached in __pycache__ (ignored by git) instead of rewritten in
    # every fork; the mutated module itself is compiled from memory and never cached.
    sys.dont_write_bytecode = False
    for line in sys.stdin:
        answer = run_one(json.loads(line))
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
