"""Spec mutation testing: break the spec on purpose and show the checks catch every break."""
