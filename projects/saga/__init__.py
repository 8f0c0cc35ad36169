"""Placeholder: the real module lands with its own issue."""
