"""The chat page's words in Swedish (the default) and English."""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, Any]] = {
    "sv": {
        "lang": "sv",
        "header": "# Policyassistenten\nStäll en fråga om organisationens policyer och "
        "protokoll. Svaret citerar de stycken det bygger på; klicka på en källa för att läsa "
        "stycket.",
        "filters": "Filter och språk / Language",
        "organisation": "Organisation",
        "document": "Dokument",
        "all_organisations": "Alla organisationer",
        "all_documents": "Alla dokument",
        "as_of": "Gäller den (tomt = i dag)",
        "bad_date": "{value!r} är inget datum; skriv det som ÅÅÅÅ-MM-DD, till exempel 2025-01-31.",
        "status": {
            "in_force": "gäller",
            "superseded": "ersatt",
            "upcoming": "kommande",
            "withdrawn": "upphävd",
        },
        "chat": "Samtal",
        "placeholder": "Svaren bygger bara på de inlästa dokumenten.",
        "question": "Skriv din fråga här …",
        "question_label": "Din fråga",
        "ask": "Fråga",
        "clear": "Nytt samtal",
        "sign_out": "Logga ut",
        "comment": "Kommentar till senaste svaret (valfri)",
        "send_comment": "Skicka kommentar",
        "recent": "Tidigare samtal",
        "no_conversation": "Välj ett samtal",
        "forget": "Ta bort samtalet",
        "export": "Exportera (Markdown)",
        "deleted": "Samtalet är borttaget.",
        "cannot_reopen": "Samtalet kan inte öppnas: det finns inte längre, eller så citerar det "
        "dokument som du inte längre får läsa.",
        "source": "Källa",
        "see_also": "Se även",
        "declined": "**Dokumenten säger inget om detta.** Närliggande stycken visas under "
        "”Se även”.",
        "loading": "Assistenten startar, försök igen om en stund.",
        "thanks": "Tack för din återkoppling!",
        "nothing_to_comment": "Ställ en fråga först, så kan du kommentera svaret.",
        "examples": [
            "Vem antar den internationella policyn?",
            "Vilka är de strategiska målen för det internationella arbetet i Jönköping?",
            "Vilka nätverk är Landstinget Dalarna medlem i?",
        ],
        "document_label": "Dokument",
        "section_label": "Avsnitt",
        "version_label": "Version",
        "open_source": "Visa stycket i dokumentet",
        "all_changes": "Visa alla {n} ändringar mellan v{old} och v{new}",
        "one_change": "Visa ändringen mellan v{old} och v{new}",
    },
    "en": {
        "lang": "en",
        "header": "# Policy Assistant\nAsk a question about the organisation's policies and "
        "protocols. The answer cites the paragraphs it relies on; click a source to read it.",
        "filters": "Filters and language / Språk",
        "organisation": "Organisation",
        "document": "Document",
        "all_organisations": "All organisations",
        "all_documents": "All documents",
        "as_of": "As of (empty = today)",
        "bad_date": "{value!r} is not a date; write it as YYYY-MM-DD, for example 2025-01-31.",
        "status": {
            "in_force": "in force",
            "superseded": "superseded",
            "upcoming": "upcoming",
            "withdrawn": "withdrawn",
        },
        "chat": "Conversation",
        "placeholder": "Answers rely only on the ingested documents.",
        "question": "Type your question here …",
        "question_label": "Your question",
        "ask": "Ask",
        "clear": "New conversation",
        "sign_out": "Sign out",
        "comment": "Comment on the latest answer (optional)",
        "send_comment": "Send comment",
        "recent": "Recent conversations",
        "no_conversation": "Choose a conversation",
        "forget": "Delete the conversation",
        "export": "Export (Markdown)",
        "deleted": "The conversation is deleted.",
        "cannot_reopen": "The conversation cannot be opened: it no longer exists, or it cites "
        "documents you may no longer read.",
        "source": "Source",
        "see_also": "See also",
        "declined": "**The documents do not say.** The nearest paragraphs are shown under "
        "“See also”.",
        "loading": "The assistant is starting; try again in a moment.",
        "thanks": "Thank you for your feedback!",
        "nothing_to_comment": "Ask a question first; then you can comment on the answer.",
        "examples": [
            "Who adopts the international policy in Dalarna?",
            "What are the strategic goals of the international work in Jönköping?",
            "Which networks is Landstinget Dalarna a member of?",
        ],
        "document_label": "Document",
        "section_label": "Section",
        "version_label": "Version",
        "open_source": "Show the paragraph in its document",
        "all_changes": "Show all {n} changes between v{old} and v{new}",
        "one_change": "Show the change between v{old} and v{new}",
    },
}
LANGUAGES = {"Svenska": "sv", "English": "en"}
