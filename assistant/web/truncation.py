"""An answer cut to a number of words (the OpenAI route's `max_tokens`), at the end of the
last whole sentence or line that fits, so what is kept still reads as the documents say it."""

from __future__ import annotations

import re

WORD = re.compile(r"\S+")
LEAD_IN_LAST = re.compile(r"\n[^\n]*:\s*$")
SPACE = re.compile(r"\s+")
# A sentence ends at . ! ? or : (a list's lead-in), perhaps with a closing quote or bracket
# and the answer's citation marker, " [2]", which stays with its sentence.
SENTENCE_END = re.compile(r"[.!?:…][\"'”’)\]]*(?: \[\d+\])?$")
CITATION_NEXT = re.compile(r"\[\d+\]")
ABBREVIATION = re.compile(r"(?:^|\s)(?:\w{1,4}\.){2,}$|\b(?:kap|st|p|ca|nr|jfr|resp)\.$")  # t.ex.


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def cut_to_words(text: str, limit: int | None) -> tuple[str, bool]:
    """`text` if it has at most `limit` words; else its longest start that ends a sentence or
    a line within them (or, when not even the first sentence fits, its first `limit` words),
    and True for cut."""
    if limit is None or word_count(text) <= limit:
        return text, False
    ends = [
        space.start()
        for space in SPACE.finditer(text)
        if "\n" in space.group() or _ends_sentence(text, space.start(), space.end())
    ]
    fitting = [end for end in ends if word_count(text[:end]) <= limit]
    if fitting:  # less a lead-in ("Källor:") left without what it leads to
        return LEAD_IN_LAST.sub("", text[: fitting[-1]]).rstrip(), True
    words = list(WORD.finditer(text))
    return text[: words[limit - 1].end()] if limit > 0 else "", True


def _ends_sentence(text: str, end: int, next_start: int) -> bool:
    before = text[:end]
    return (
        SENTENCE_END.search(before) is not None
        and ABBREVIATION.search(before) is None
        and CITATION_NEXT.match(text, next_start) is None
    )
