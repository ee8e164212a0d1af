"""Intake services, by topic. Import from the submodules:

- ``cases``: drafts, uploads, submission, the counter's accept / correct / refuse
- ``notices``: issuing and rendering written notices
- ``numbering``: case numbers
- ``uploads``: file content checks
"""
