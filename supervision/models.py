"""Models of supervision (监督管理): none yet."""

# Filled by a later issue; see ../shared/docs/ARCHITECTURE.md for what this app owns.
