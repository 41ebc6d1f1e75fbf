"""One router per resource: health, chat (and search), openai, documents, feedback, admin."""
