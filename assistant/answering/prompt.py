"""What a language model is told: the numbered passages (document, section, version), the
conversation, and the question, with the rules the guard will hold its answer to, and below them
the caller's own instruction, if any (the rules come first; the guard checks every sentence)."""

from __future__ import annotations

from assistant.answering.protocol import Question
from assistant.language.analysis import language_of
from assistant.types import Message, Passage

RULES = {
    "sv": (
        "Du svarar personal på frågor om organisationens styrdokument och lagar. Svara bara "
        "med det som står i de numrerade utdragen. Skriv på svenska, kort och sakligt. Sätt "
        "hänvisningen [n] till det utdrag du bygger på efter varje mening, och varje punkt i "
        "en lista. Återge namn, organ, belopp, datum och paragrafer exakt som i utdraget. "
        "Lägg inte till något som inte står där. Om utdragen inte besvarar frågan, skriv bara: "
        "Det framgår inte av dokumenten."
    ),
    "en": (
        "You answer staff questions about the organisation's policy documents and statutes. "
        "Answer only with what the numbered excerpts say; they are in Swedish, answer in "
        "English, briefly and plainly. Put the reference [n] to the excerpt you rely on after "
        "every sentence and every list item. Give names, bodies, amounts, dates and sections "
        "exactly as the excerpt does. Add nothing the excerpts do not say. If the excerpts do "
        "not answer the question, write only: The documents don't say."
    ),
}
HEADINGS = {"sv": ("Utdrag", "Fråga"), "en": ("Excerpts", "Question")}
INSTRUCTION_HEADINGS = {
    "sv": "Anvisning från den som frågar (reglerna ovan går före)",
    "en": "The asker's instruction (the rules above come first)",
}


def prompt_messages(
    question: Question, history: list[Message], passages: list[Passage]
) -> list[dict[str, str]]:
    language = language_of(question.text, question.language)
    excerpts_heading, question_heading = HEADINGS[language]
    excerpts = "\n\n".join(
        f"[{n}] {_origin(passage)}\n{passage.text}" for n, passage in enumerate(passages, 1)
    )
    return [
        {"role": "system", "content": _system(language, question.instruction)},
        *({"role": m.role, "content": m.content} for m in history[-6:]),
        {
            "role": "user",
            "content": f"{excerpts_heading}:\n\n{excerpts}\n\n{question_heading}: {question.text}",
        },
    ]


def _system(language: str, instruction: str) -> str:
    """The product's rules, then the caller's instruction under them."""
    if not instruction.strip():
        return RULES[language]
    return f"{RULES[language]}\n\n{INSTRUCTION_HEADINGS[language]}:\n{instruction.strip()}"


def _origin(passage: Passage) -> str:
    """ "Internationell policy (Landstinget Dalarna) › Mål, version 1, 2024-01-01"."""
    title = f"{passage.title} ({passage.organisation})" if passage.organisation else passage.title
    version = f"version {passage.version}" + (
        f", {passage.effective_date}" if passage.effective_date else ""
    )
    return f"{title} › {passage.section}, {version}"
