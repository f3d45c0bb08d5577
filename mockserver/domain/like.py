"""SQL Server LIKE patterns: ``%``, ``_`` and ``[...]`` character sets.

Inside a set, ``^`` first negates it and ``a-f`` is a range; ``[%]``, ``[_]`` and ``[[]``
are how SQL Server spells the wildcards and the bracket literally. There is no escape
character unless a query declares one, and LoadByCriteria cannot.
"""
from ..store.query import AnyChar, AnyString, CharSet, Pattern
from .errors import ValidationError

MAX_PATTERN_LENGTH = 4000   # SQL Server's nvarchar(4000); far above any real search


def parse_pattern(text: str, where: str) -> Pattern:
    if len(text) > MAX_PATTERN_LENGTH:
        # SQLite refuses patterns over 50,000 bytes, and the case-insensitive GLOB form of a
        # pattern with sets can be four times its length.
        raise ValidationError(
            f"{where}: the LIKE pattern is {len(text)} characters long; at most "
            f"{MAX_PATTERN_LENGTH} are allowed.")
    parts: list = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "%":
            parts.append(AnyString())
        elif c == "_":
            parts.append(AnyChar())
        elif c == "[":
            end = text.find("]", i + 2 if text.startswith("[^", i) else i + 1)
            if end < 0:
                raise ValidationError(
                    f"{where}: the LIKE pattern '{text}' opens a character set at position {i + 1} "
                    f"that is never closed; write [[] for a literal '['.")
            parts.append(_char_set(text[i + 1:end], text, where))
            i = end
        else:
            parts.append(c)
        i += 1
    return Pattern(text, tuple(parts))


def _char_set(body: str, text: str, where: str) -> CharSet:
    negated = body.startswith("^") and len(body) > 1
    if negated:
        body = body[1:]
    if not body:
        raise ValidationError(f"{where}: the LIKE pattern '{text}' has an empty character set [].")
    ranges = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            low, high = body[i], body[i + 2]
            if low > high:
                raise ValidationError(
                    f"{where}: the range {low}-{high} in the LIKE pattern '{text}' is reversed.")
            ranges.append((low, high))
            i += 3
        else:
            ranges.append((body[i], body[i]))
            i += 1
    return CharSet(tuple(ranges), negated)
