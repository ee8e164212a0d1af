"""Intake services, by topic. Import from the submodules:

- ``cases``: drafts, uploads, submission, the counter's accept / correct / refuse
- ``notices``: issuing and rendering written notices
- ``numbering``: case and document numbers
- ``uploads``: file content checks
- ``online``: what only the online channel needs (agents, the power of attorney)
- ``counter``: a whole counter intake in one call (窗口办理)
- ``bundles``: 一件事, one intake creating one application per item
- ``prereview``: pre-review deadlines and their sweep
- ``contact``: telling the applicant
- ``slots``: an application's material slots, loaded once
- ``tolerance``: a 容缺 material handed in after acceptance
"""
