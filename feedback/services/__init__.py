"""Feedback's services: every write of the app, one module per part (ratings, ...)."""
