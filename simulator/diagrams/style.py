"""Colours, fonts and marks shared by the DOT, Mermaid and overlay renderers.

Blue, purple and green tell who fires an edge (distinct in lightness as well as
hue); red is reserved for denied attempts in trace overlays.
"""

from __future__ import annotations

from twofa_fsm_tools.diagrams.graph import Who

FONT = "Helvetica"

WHO_COLOUR: dict[Who, str] = {
    "user": "#0072B2",  # blue
    "admin": "#8E44AD",  # purple
    "system": "#009E73",  # bluish green
}

WHO_TEXT: dict[Who, str] = {
    "user": "the user (account holder)",
    "admin": "another person",
    "system": "the system",
}

TEXT = "#222222"
MUTED = "#666666"

ACCESS_FILL = "#DDF3E4"
ACCESS_BORDER = "#1B7F3B"
CONFIRM_FILL = "#FFF4CC"
CONFIRM_BORDER = "#B58900"
STATE_FILL = "#FFFFFF"

# trace overlays
DENIED = "#D62728"
GREY = "#C4C4C4"
GREY_TEXT = "#A8A8A8"
FINAL_FILL = "#FFD84D"  # the final state's mark in legends (its border is drawn in FINAL_BORDER)
FINAL_BORDER = "#B8860B"  # dark gold: thick border of the state a trace ended in (its own fill stays)
BADGE = "#222222"
ATTACKER = "#C0392B"  # an attacker's name and badges (red)
