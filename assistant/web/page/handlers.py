"""What the chat page does when staff act: ask, judge an answer, comment, switch language.

Plain methods over the runtime, so they are tested without a browser; the layout wires them to
the page's components.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import gradio as gr

from assistant.answering.asking import InvalidQuestionError
from assistant.storage.feedback import Feedback
from assistant.types import Answer, Filters, Labels, Message
from assistant.web.page.history import (
    answer_piece,
    changes_line,
    citation_panels,
    conversation,
    generation_note,
    judged_turn,
    last_answer_index,
)
from assistant.web.page.texts import LANGUAGES, TEXTS
from assistant.web.runtime import NotReadyError, Runtime
from assistant.web.security import proxy_groups

ALL = ""  # the filter choice meaning "every organisation/document"


class PageHandlers:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def answer(
        self,
        text: str,
        conversation_so_far: list[dict],
        organisation: str,
        doc_id: str,
        as_of: str,
        lang: str,
        record: dict,
        request: gr.Request,
    ) -> Iterator[tuple]:
        """(chat, conversation, question box, notice, record) as the answer streams in. The chat
        is rebuilt from the server's own record of the conversation and the question's text;
        the record gathers the document versions its answers cite."""
        picked = (organisation, doc_id, as_of)
        cited = [tuple(c) for c in (record or {}).get("cited", [])]
        answers = self._answer(text, conversation_so_far, picked, lang, request, cited)
        for history, *rest in answers:
            yield (history, history, *rest, {**(record or {}), "cited": cited})

    def _answer(
        self,
        text: str,
        conversation_so_far: list[dict],
        picked: tuple[str, str, str],  # the organisation, document and day filters
        lang: str,
        request: gr.Request,
        cited: list[tuple[str, str]],  # gains the document versions the answer cites
    ) -> Iterator[tuple]:
        organisation, doc_id, as_of = picked
        t = TEXTS[lang]
        history = list(conversation_so_far or [])
        text = text if isinstance(text, str) else ""
        if not text.strip():
            yield history, gr.update(), gr.update(visible=False)
            return
        try:
            day = date.fromisoformat(as_of.strip()) if as_of and as_of.strip() else None
        except ValueError:
            yield history, text, gr.update(value=t["bad_date"].format(value=as_of), visible=True)
            return
        messages = [*conversation(history), Message("user", text)]
        history.append({"role": "user", "content": text})
        labels = self.labels_of(request)
        filters = Filters(organisation or None, doc_id or None, labels=labels, as_of=day)
        try:
            assistant = self.runtime.assistant
        except NotReadyError:
            history.append({"role": "assistant", "content": t["loading"]})
            yield history, text, gr.update(visible=False)
            return
        history.append({"role": "assistant", "content": ""})
        try:
            for piece in assistant.stream(messages, filters, lang):
                if isinstance(piece, Answer):  # the notes once the answer is whole
                    history[-1]["content"] += changes_line(piece, t)
                    history[-1]["content"] += generation_note(piece, t["lang"])
                    history.extend(citation_panels(piece, t))
                    cited.extend((c.document, c.version.split(",")[0]) for c in piece.citations)
                    shown = gr.update(value=t["declined"], visible=not piece.answered)
                    yield history, "", shown
                else:
                    history[-1]["content"] += answer_piece(piece)
                    yield history, "", gr.update(visible=False)
        except InvalidQuestionError as error:
            history[-1]["content"] = str(error)
            yield history, text, gr.update(visible=False)

    def thumb(self, history: list[dict], ids: dict, lang: str, data: gr.LikeData) -> tuple:
        """(feedback ids, notice): a thumb on an answer, stored or changed."""
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        rating = "up" if data.liked else "down"
        if index in ids:
            self.runtime.feedback.update(ids[index], rating=rating)
        else:
            ids = {**ids, index: self._save(history, index, rating)}
        return ids, gr.update(value=TEXTS[lang]["thanks"], visible=True)

    def comment(self, text: str, history: list[dict], ids: dict, lang: str) -> tuple:
        """(feedback ids, comment box, notice): a comment on the latest answer."""
        t = TEXTS[lang]
        index = last_answer_index(history or [])
        if index is None or not text.strip():
            return ids, text, gr.update(value=t["nothing_to_comment"], visible=True)
        if index in ids:
            self.runtime.feedback.update(ids[index], comment=text.strip())
        else:
            ids = {**ids, index: self._save(history, index, None, text.strip())}
        return ids, "", gr.update(value=t["thanks"], visible=True)

    def relabel(self, choice: str, request: gr.Request) -> tuple:
        """(language, notice, *labelled components) in the chosen language."""
        lang = LANGUAGES.get(choice, "sv")
        return (lang, gr.update(visible=False), *self.texts(lang, self.labels_of(request)))

    def load(self, request: gr.Request) -> tuple:
        """(language, language switch, *labelled components) for `?lang=` and the filters'
        choices, which arrive with the page, per session."""
        lang = "en" if request.query_params.get("lang") == "en" else "sv"
        choice = next(name for name, code in LANGUAGES.items() if code == lang)
        self.runtime.wait(timeout=60)  # the page opened while the model was still loading
        return (lang, choice, *self.texts(lang, self.labels_of(request)))

    def labels_of(self, request: gr.Request | None) -> Labels | None:
        """The access labels of the page's user: from their key or the proxy's user name.
        An open page (no keys configured) shows only documents without labels."""
        name = request.username if request is not None else None
        if not self.runtime.settings.api_keys or not name:
            return frozenset()
        # The HTTP request itself: it knows which connection the proxy's headers came over.
        http = request.request if request is not None else None
        groups = proxy_groups(self.runtime.settings, http) if http is not None else []
        return self.runtime.access.caller(name, groups).labels

    def texts(self, lang: str, labels: Labels | None) -> tuple:
        """Updates for the components whose words change with the language, in
        `Components.labelled` order, with the filters' choices the user may read."""
        t = TEXTS[lang]
        organisations, documents = self._filter_choices(t, labels)
        return (
            gr.update(value=t["header"]),
            gr.update(label=t["filters"]),
            gr.update(choices=organisations, label=t["organisation"]),
            gr.update(choices=documents, label=t["document"]),
            gr.update(label=t["as_of"]),
            gr.update(
                label=t["chat"],
                placeholder=t["placeholder"],
                examples=[{"text": q} for q in t["examples"]],
            ),
            gr.update(placeholder=t["question"], label=t["question_label"]),
            gr.update(value=t["ask"]),
            gr.update(label=t["comment"]),
            gr.update(value=t["send_comment"]),
            gr.update(value=t["clear"]),
            gr.update(label=t["recent"]),
            gr.update(value=t["forget"]),
            gr.update(value=t["export"]),
            gr.update(value=t["sign_out"]),
        )

    def _filter_choices(self, t: dict[str, Any], labels: Labels | None) -> tuple[list, list]:
        organisations: list[tuple[str, str]] = [(t["all_organisations"], ALL)]
        documents: list[tuple[str, str]] = [(t["all_documents"], ALL)]
        try:
            assistant = self.runtime.assistant
        except NotReadyError:
            return organisations, documents
        organisations += [(o.name, o.name) for o in assistant.organisations(labels)]
        documents += [
            (d.live.title, d.doc_id) for d in assistant.documents(labels=labels) if d.live
        ]
        return organisations, documents

    def _save(self, history: list[dict], index: int, rating: str | None, comment: str = "") -> int:
        """Store the judged answer with the question before it and the citations after it."""
        question, answer, citations = judged_turn(history, index)
        saved = self.runtime.feedback.add(
            Feedback(question, answer, rating, comment, citations, source="chat")
        )
        assert saved.id is not None
        return saved.id
