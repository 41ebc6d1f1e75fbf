"""Acronyms staff write for the names documents spell out: "IVO" for "Inspektionen för vård och
omsorg", "SKR" for "Sveriges Kommuner och Regioner", "MSB" for "Myndigheten för samhällsskydd
och beredskap". Laws and policies name a body in full; a question naming it by its initials
found the paragraph and was then declined, since the quotes never mention "IVO".
"""

from __future__ import annotations

import re

ACRONYM = re.compile(r"\b[A-ZÅÄÖ]{3,6}\b")  # two letters ("EU", "JO") spell too many phrases
# Words a name's initials skip: "Inspektionen för vård och omsorg" is IVO, not IFVOO.
SKIPPED = frozenset({"för", "och", "i", "av", "med", "om", "på", "till", "den", "det", "de"})
NAME_WORD = re.compile(r"[\wåäöÅÄÖé]+")


def acronyms(question: str) -> set[str]:
    """The question's acronyms, lower-cased as its analysed words are."""
    return {a.lower() for a in ACRONYM.findall(question)}


def spells_out(acronym: str, text: str) -> bool:
    """Whether `text` names, in full, what `acronym` abbreviates: a capitalised word with the
    first initial, then one word per further initial, the small words of a name skipped."""
    letters = acronym.lower()
    words = NAME_WORD.findall(text)
    for start, first in enumerate(words):
        if not (first[0].isupper() and first[0].lower() == letters[0]):
            continue
        found = 1
        for word in words[start + 1 :]:
            if found == len(letters):
                break
            if word.lower() in SKIPPED:
                continue
            if word[0].lower() != letters[found]:
                break
            found += 1
        if found == len(letters):
            return True
    return False
