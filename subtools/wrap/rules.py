"""Line-break rules per language, as data.

A break is scored by where it falls: after a sentence end is best, then after clause
punctuation, then before a conjunction or preposition; a break after an article,
determiner, possessive, preposition, conjunction or subject pronoun is the worst.
A language without word lists still gets the punctuation rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, final

from ..model import by_constructor

SENTENCE: Final = 0
CLAUSE: Final = 10
BEFORE_CONNECTIVE: Final = 20
PLAIN: Final = 40
#: Inside a CJK run (no space): allowed, but worse than at a space.
INTRA: Final = 45
BAD: Final = 100

#: Punctuation stripped from a word before looking it up in the word lists.
STRIP: Final = ".,;:!?…\"'()[]{}“”‘’«»—–-"
_MEMO_LIMIT: Final = 200_000


@final
@dataclass(frozen=True)
class BreakRules:
    """Which words a line may end on or start with, for one language."""

    #: Words a line should start with (a break before them is good).
    break_before: frozenset[str] = field(default_factory=frozenset)
    #: Words a line must not end on.
    never_after: frozenset[str] = field(default_factory=frozenset)
    sentence_end: str = ".!?…。！？"
    clause_end: str = ",;:—–、，；："
    #: Closing quotes and brackets looked through when finding the last punctuation.
    closers: str = "\"')]}”’»」』）"
    # Memo of the two per-word questions below: captions repeat the same few thousand
    # words, and these lookups are the inner loop of line breaking.
    _after: dict[str, int] = field(default_factory=dict, init=False, compare=False, repr=False)
    _before: dict[str, bool] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __reduce__(self) -> tuple[type[Any], tuple[Any, ...]]:
        return by_constructor(self)  # the word lists: the memos start empty

    def after(self, word: str) -> int:
        """The score of a break after ``word`` if the word alone decides it, else -1.

        >>> ENGLISH.after("paper."), ENGLISH.after("the"), ENGLISH.after("paper")
        (0, 100, -1)
        """
        score = self._after.get(word)
        if score is None:
            end = word.rstrip(self.closers) or word
            if end[-1] in self.sentence_end:
                score = SENTENCE
            elif end[-1] in self.clause_end:
                score = CLAUSE
            elif word.strip(STRIP).lower() in self.never_after:
                score = BAD
            else:
                score = -1
            if len(self._after) > _MEMO_LIMIT:
                self._after.clear()
            self._after[word] = score
        return score

    def starts_well(self, word: str) -> bool:
        """Whether a line may well start with ``word`` (a conjunction or preposition)."""
        good = self._before.get(word)
        if good is None:
            good = word.strip(STRIP).lower() in self.break_before
            if len(self._before) > _MEMO_LIMIT:
                self._before.clear()
            self._before[word] = good
        return good

    def score(self, before: str, after: str, spaced: bool = True) -> int:
        """The score of a line break between two tokens (lower is better): the one
        definition every choice of line breaks and cue cuts uses.

        ``spaced`` is False inside a CJK run, where a break is allowed between
        characters but is worse than at a space unless punctuation ends the token.

        >>> ENGLISH.score("paper.", "So"), ENGLISH.score("look", "at"), ENGLISH.score("at", "the")
        (0, 20, 100)
        >>> FALLBACK.score("字", "幕", spaced=False)
        45
        """
        # The memos first: this is the inner loop of line breaking and splitting.
        end = self._after.get(before)
        if end is None:
            end = self.after(before)
        if not spaced:
            return end if end in (SENTENCE, CLAUSE) else INTRA
        if end >= 0:
            return end
        good = self._before.get(after)
        if good is None:
            good = self.starts_well(after)
        return BEFORE_CONNECTIVE if good else PLAIN


_ARTICLES_DETERMINERS = """
a an the this that these those each every either neither some any no another such what
which whose all both half several many much few little more most other
"""
_POSSESSIVES = "my your his her its our their one's whose"
_SUBJECT_PRONOUNS = "i you he she it we they i'm you're he's she's it's we're they're i've "
_SUBJECT_PRONOUNS += "you've we've they've i'd you'd he'd she'd we'd they'd i'll you'll he'll "
_SUBJECT_PRONOUNS += "she'll we'll they'll"
_PREPOSITIONS = """
about above across after against along amid among around as at before behind below beneath
beside besides between beyond by despite down during except for from in inside into like near
of off on onto out outside over past per since than through throughout till to toward towards
under underneath unlike until up upon via with within without
"""
_CONJUNCTIONS = """
and but or nor so yet because although though while whereas if unless since whether than
that when where once until
"""

ENGLISH = BreakRules(
    break_before=frozenset((_CONJUNCTIONS + _PREPOSITIONS).split()),
    never_after=frozenset(
        (_ARTICLES_DETERMINERS + _POSSESSIVES + " " + _SUBJECT_PRONOUNS + _PREPOSITIONS).split()
        + _CONJUNCTIONS.split()
    ),
)

#: Punctuation-and-balance only, for languages without word lists.
FALLBACK = BreakRules()

RULES: dict[str, BreakRules] = {"en": ENGLISH}
#: Languages by name, as OpenAI's transcription API gives them (``"language": "english"``).
_NAMED = {"english": "en"}


def rules_for(language: str | None) -> BreakRules:
    """The rules of a language tag (``en``, ``en-GB``) or name, or the fallback.

    >>> rules_for("en-GB") is rules_for("English") is ENGLISH, rules_for("de") is FALLBACK
    (True, True)
    """
    if not language:
        return ENGLISH
    tag = language.strip().lower().split("-")[0].split("_")[0]
    return RULES.get(_NAMED.get(tag, tag), FALLBACK)


#: What the wrap-quality benchmark counts as a bad line end (the words a line should
#: not end on, whatever the rule set).
BAD_LINE_ENDS = ENGLISH.never_after
