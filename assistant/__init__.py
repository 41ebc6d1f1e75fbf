"""Policy Assistant: answers staff questions about policy documents, citing source paragraphs."""
