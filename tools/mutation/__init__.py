"""Mutation testing of the lifecycle functions: `make mutation` (see docs/reliability.md)."""
