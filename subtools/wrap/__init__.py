"""Wrapping: lines that read well, long text split into cues, orphans merged."""

from .cues import WrapResult, merge_orphans, split_cue, split_points, wrap, wrap_cues
from .lines import Tokens, best_lines, text_width, wrap_text
from .rules import ENGLISH, FALLBACK, RULES, BreakRules, rules_for

__all__ = [
    "ENGLISH",
    "FALLBACK",
    "RULES",
    "BreakRules",
    "Tokens",
    "WrapResult",
    "best_lines",
    "merge_orphans",
    "rules_for",
    "split_cue",
    "split_points",
    "text_width",
    "wrap",
    "wrap_cues",
    "wrap_text",
]
