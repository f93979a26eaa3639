"""The `ecm` command: one module per verb, each with `register(subparsers)`."""
