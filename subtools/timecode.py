"""Timestamps: integer milliseconds in, text out, and float seconds in once.

Formatting works on integers with ``divmod`` only: a float never reaches a
timestamp, so ``00:00:60,000`` and ``,1000`` cannot happen.
"""

from __future__ import annotations

import math
from typing import Final

#: The latest time a reader accepts: under a million hours, so that hours have at most
#: six digits and float seconds (JSON) still hold every millisecond exactly.
MAX_MS: Final = 1_000_000 * 3_600_000 - 1
MAX_SECONDS: Final = MAX_MS / 1000
#: Digits of the hours field a timestamp may have (``999999:59:59.999`` is ``MAX_MS``).
HOUR_DIGITS: Final = 6


def hms_to_ms(hours: str, minutes: str, seconds: str, fraction: str = "") -> int:
    """Milliseconds from the digit fields of a timestamp; the fraction is decimal, so
    ``"5"`` is 500 ms and ``"46"`` is 460 ms.

    >>> hms_to_ms("1", "02", "03", "046"), hms_to_ms("0", "0", "27", "46"), hms_to_ms("0", "0", "1")
    (3723046, 27460, 1000)
    """
    ms = ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000
    return ms + int(fraction.ljust(3, "0")) if fraction else ms


def seconds_to_ms(value: float) -> int:
    """Float seconds to integer milliseconds, rounded once.

    >>> seconds_to_ms(5.5600000000000005)
    5560
    >>> seconds_to_ms(13.280000000000001)
    13280
    """
    return round(value * 1000)


def is_finite_number(value: object) -> bool:
    """True for an int or float that is finite (``bool`` is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    # An int is finite however long; math.isfinite would first make it a float.
    return isinstance(value, int) or math.isfinite(value)


_MILLIS: Final = tuple(f"{i:03d}" for i in range(1000))
_HMS: Final[dict[int, str]] = {}
_HMS_CACHED: Final = 10 * 3600  # whole seconds: 36,000 short strings at most


def format_timestamp(ms: int, sep: str = ",") -> str:
    """``HH:MM:SS,mmm`` from integer milliseconds; hours grow past two digits.

    >>> format_timestamp(3_599_999)
    '00:59:59,999'
    >>> format_timestamp(360_000_000, ".")
    '100:00:00.000'
    """
    if ms < 0:
        raise ValueError(f"negative time {ms} ms cannot be written")
    s, milli = divmod(ms, 1000)
    # Writing is dominated by this function: the HH:MM:SS part of each whole second is
    # formatted once and kept (talks share their first hours), the milliseconds come
    # from a table.
    hms = _HMS.get(s)
    if hms is None:
        m, sec = divmod(s, 60)
        h, m = divmod(m, 60)
        hms = f"{h:02d}:{m:02d}:{sec:02d}"
        if s < _HMS_CACHED:
            _HMS[s] = hms
    return hms + sep + _MILLIS[milli]


def format_clock(ms: int) -> str:
    """A short human time for messages: ``M:SS.mmm`` or ``H:MM:SS.mmm``.

    >>> format_clock(61_005)
    '1:01.005'
    """
    sign = "-" if ms < 0 else ""
    s, milli = divmod(abs(ms), 1000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    if h:
        return f"{sign}{h}:{m:02d}:{s:02d}.{milli:03d}"
    return f"{sign}{m}:{s:02d}.{milli:03d}"
