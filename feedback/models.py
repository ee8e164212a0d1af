"""Models of feedback (好差评): none yet."""

# Filled by a later issue; see ../shared/docs/ARCHITECTURE.md for what this app owns.
