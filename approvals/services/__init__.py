"""Approvals services by topic: ``clocks`` (deadline arithmetic and its ledger)."""
