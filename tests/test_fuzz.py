"""Mutated real files: no exception but SubtoolsError, and every round trip holds.

A bounded run of what ``python -m tests.fuzz`` does for minutes at a time.
"""

from __future__ import annotations

import random
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .fuzz import check, mutate, seeds


@cache
def _pool() -> list[bytes]:
    return seeds()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.integers(0, 2**32 - 1))
def test_mutated_real_files(pick: int, seed: int) -> None:
    pool = _pool()
    data = mutate(pool[pick % len(pool)], random.Random(seed), pool)
    found = [(f.kind, f.where, f.detail) for f in check(data)]
    assert found == []
