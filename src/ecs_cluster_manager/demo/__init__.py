"""`ecm demo`: the project's stack deployed, rolled, scaled and rolled back in a simulated
account, with the invariants checked at every instant."""
