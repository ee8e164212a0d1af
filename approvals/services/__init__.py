"""Approvals services by topic: ``clocks`` (deadline arithmetic and its ledger),
``routing`` (clocks and tasks on acceptance, the next stage), ``tasks`` (the approver's
acts), ``conclusion`` (办结 and the result document), ``delivery`` (统一出件), ``common``
(locks and permission re-checks), ``escalations`` (督办 by hand), ``tolerance`` (容缺
materials owed after acceptance); the sweep and re-derivation in ``sweep``/``rederive``."""
