"""Scenario runner: provision a cluster in a simulated account, play a timeline of actions and
faults, check the invariants and report (`ecm simulate`)."""
