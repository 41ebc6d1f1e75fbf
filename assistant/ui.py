"""The staff chat page (Gradio): a client of the same service the API calls.

Swedish by default, English from the language switch or `?lang=en`. Each answer streams into
the chat, followed by its citations as collapsed panels ("[1] Document › section (version)")
that open on the verbatim paragraph. When the documents do not say, a notice says so and the
nearest paragraphs appear as "see also". Thumbs and comments go to the feedback store.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.answering import Message
from assistant.feedback import Feedback
from assistant.retrieval import Filters
from assistant.runtime import NotReadyError, Runtime
from assistant.service import Answer, Citation, InvalidQuestionError
from assistant.ui_texts import LANGUAGES, TEXTS

ALL = ""  # the filter choice meaning "every organisation/document"


CSS = """
.pa-notice { border-left: 4px solid #b45309; padding: 0.4em 0.8em; background: #fffbeb; }
"""


@dataclass
class ChatPage:
    blocks: gr.Blocks
    theme: gr.themes.Base
    css: str


def build_chat_page(runtime: Runtime) -> ChatPage:
    sv = TEXTS["sv"]
    # System fonts: the page must render with no request leaving the intranet.
    theme = gr.themes.Soft(font=["system-ui", "sans-serif"], font_mono=["monospace"])
    with gr.Blocks(title="Policyassistenten", analytics_enabled=False) as blocks:
        language = gr.State("sv")
        feedback_ids = gr.State({})  # chat message index → feedback record id
        header = gr.Markdown(sv["header"])
        with gr.Row():
            language_choice = gr.Radio(
                list(LANGUAGES),
                value="Svenska",
                label="Språk / Language",
                scale=1,
                elem_id="pa-language",
            )
            organisation = gr.Dropdown(
                [(sv["all_organisations"], ALL)],
                value=ALL,
                label=sv["organisation"],
                scale=2,
                elem_id="pa-organisation",
                allow_custom_value=True,  # the choices arrive with the page, per session
            )
            document = gr.Dropdown(
                [(sv["all_documents"], ALL)],
                value=ALL,
                label=sv["document"],
                scale=2,
                elem_id="pa-document",
                allow_custom_value=True,
            )
        chatbot = gr.Chatbot(
            label=sv["chat"],
            placeholder=sv["placeholder"],
            examples=[{"text": q} for q in sv["examples"]],
            height=520,
            elem_id="pa-chat",
            buttons=["copy"],
        )
        notice = gr.Markdown(visible=False, elem_classes=["pa-notice"], elem_id="pa-notice")
        with gr.Row():
            question = gr.Textbox(
                placeholder=sv["question"],
                show_label=False,
                scale=8,
                max_lines=6,
                elem_id="pa-question",
            )
            ask = gr.Button(sv["ask"], variant="primary", scale=1, elem_id="pa-ask")
        with gr.Row():
            comment = gr.Textbox(label=sv["comment"], scale=8, elem_id="pa-comment")
            send_comment = gr.Button(sv["send_comment"], scale=1, elem_id="pa-send-comment")
            clear = gr.Button(sv["clear"], scale=1, elem_id="pa-clear")

        def answer(
            text: str, history: list[dict], organisation_id: str, doc_id: str, lang: str
        ) -> Iterator[tuple]:
            t = TEXTS[lang]
            history = list(history or [])
            if not text.strip():
                yield history, gr.update(), gr.update(visible=False)
                return
            messages = [*_conversation(history), Message("user", text)]
            history.append({"role": "user", "content": text})
            filters = Filters(organisation=organisation_id or None, doc_id=doc_id or None)
            try:
                assistant = runtime.assistant
            except NotReadyError:
                history.append({"role": "assistant", "content": t["loading"]})
                yield history, text, gr.update(visible=False)
                return
            history.append({"role": "assistant", "content": ""})
            try:
                for piece in assistant.stream(messages, filters):
                    if isinstance(piece, Answer):
                        history.extend(_citation_messages(piece, t))
                        shown = gr.update(value=t["declined"], visible=not piece.answered)
                        yield history, "", shown
                    else:
                        history[-1]["content"] += piece
                        yield history, "", gr.update(visible=False)
            except InvalidQuestionError as error:
                history[-1]["content"] = str(error)
                yield history, text, gr.update(visible=False)

        inputs = [question, chatbot, organisation, document, language]
        outputs = [chatbot, question, notice]
        ask.click(answer, inputs, outputs, api_name="ask")
        question.submit(answer, inputs, outputs, api_visibility="private")

        def pick_example(data: gr.SelectData) -> str:
            return data.value["text"]

        chatbot.example_select(pick_example, None, [question], api_visibility="private").then(
            answer, inputs, outputs, api_visibility="private"
        )

        def record_thumb(
            history: list[dict], ids: dict, lang: str, data: gr.LikeData
        ) -> tuple[dict, Any]:
            index = data.index[0] if isinstance(data.index, list | tuple) else data.index
            rating = "up" if data.liked else "down"
            if index in ids:
                runtime.feedback.update(ids[index], rating=rating)
            else:
                ids = {**ids, index: _save_feedback(runtime, history, index, rating)}
            return ids, gr.update(value=TEXTS[lang]["thanks"], visible=True)

        chatbot.like(
            record_thumb,
            [chatbot, feedback_ids, language],
            [feedback_ids, notice],
            api_visibility="private",
        )

        def record_comment(
            text: str, history: list[dict], ids: dict, lang: str
        ) -> tuple[dict, str, Any]:
            t = TEXTS[lang]
            index = _last_answer_index(history or [])
            if index is None or not text.strip():
                return ids, text, gr.update(value=t["nothing_to_comment"], visible=True)
            if index in ids:
                runtime.feedback.update(ids[index], comment=text.strip())
            else:
                ids = {**ids, index: _save_feedback(runtime, history, index, None, text.strip())}
            return ids, "", gr.update(value=t["thanks"], visible=True)

        send_comment.click(
            record_comment,
            [comment, chatbot, feedback_ids, language],
            [feedback_ids, comment, notice],
            api_visibility="private",
        )
        clear.click(
            lambda: ([], {}, gr.update(visible=False), ""),
            None,
            [chatbot, feedback_ids, notice, question],
            api_visibility="private",
        )

        def relabel(choice: str) -> tuple:
            lang = LANGUAGES.get(choice, "sv")
            return (lang, gr.update(visible=False), *_labels(lang, runtime))

        labelled = [
            header,
            organisation,
            document,
            chatbot,
            question,
            ask,
            comment,
            send_comment,
            clear,
        ]
        language_choice.change(
            relabel, [language_choice], [language, notice, *labelled], api_visibility="private"
        )

        def on_load(request: gr.Request) -> tuple:
            lang = "en" if request.query_params.get("lang") == "en" else "sv"
            choice = next(name for name, code in LANGUAGES.items() if code == lang)
            runtime.wait(timeout=60)  # the page opened while the model was still loading
            return (lang, choice, *_labels(lang, runtime))

        blocks.load(on_load, None, [language, language_choice, *labelled], api_visibility="private")
    return ChatPage(blocks, theme, CSS)


def _labels(lang: str, runtime: Runtime) -> tuple:
    t = TEXTS[lang]
    organisations: list[tuple[str, str]] = [(t["all_organisations"], ALL)]
    documents: list[tuple[str, str]] = [(t["all_documents"], ALL)]
    try:
        assistant = runtime.assistant
        organisations += [(o.name, o.name) for o in assistant.organisations()]
        documents += [(d.live.title, d.doc_id) for d in assistant.documents() if d.live]
    except NotReadyError:
        pass
    return (
        gr.update(value=t["header"]),
        gr.update(choices=organisations, label=t["organisation"]),
        gr.update(choices=documents, label=t["document"]),
        gr.update(
            label=t["chat"],
            placeholder=t["placeholder"],
            examples=[{"text": q} for q in t["examples"]],
        ),
        gr.update(placeholder=t["question"]),
        gr.update(value=t["ask"]),
        gr.update(label=t["comment"]),
        gr.update(value=t["send_comment"]),
        gr.update(value=t["clear"]),
    )


def _citation_messages(answer: Answer, t: dict[str, Any]) -> list[dict]:
    """One collapsed panel per citation: its title names it, opening it shows the paragraph."""
    kind = t["source"] if answer.answered else t["see_also"]
    return [
        {
            "role": "assistant",
            "content": _citation_body(citation, t),
            "metadata": {"title": f"{kind} [{n}] · {_origin(citation)}", "status": "done"},
        }
        for n, citation in enumerate(answer.citations, start=1)
    ]


def _origin(citation: Citation) -> str:
    """ "Landstinget Dalarna · Internationell policy › Mål": the heading trail already begins
    with the title in most documents, so it is not repeated."""
    trail = citation.section.split(" › ")
    if trail and trail[0] == citation.title:
        trail = trail[1:]
    return " · ".join(filter(None, [citation.organisation, " › ".join([citation.title, *trail])]))


def _citation_body(citation: Citation, t: dict[str, Any]) -> str:
    quote = "\n".join(f"> {line}" if line.strip() else ">" for line in citation.text.splitlines())
    return (
        f"{quote}\n\n"
        f"**{t['document_label']}:** {citation.source}  \n"
        f"**{t['section_label']}:** {citation.section}  \n"
        f"**{t['version_label']}:** {citation.version}"
    )


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _conversation(history: list[dict]) -> list[Message]:
    """The turns the service sees: questions and answers, not the citation panels."""
    return [
        Message(m["role"], _text(m["content"]))
        for m in history
        if m["role"] in ("user", "assistant") and not (m.get("metadata") or {}).get("title")
    ]


def _last_answer_index(history: list[dict]) -> int | None:
    for index in range(len(history) - 1, -1, -1):
        message = history[index]
        if message["role"] == "assistant" and not (message.get("metadata") or {}).get("title"):
            return index
    return None


def _save_feedback(
    runtime: Runtime, history: list[dict], index: int, rating: str | None, comment: str = ""
) -> int:
    """Store the judged answer with the question before it and the citations after it."""
    answer_index = index
    while answer_index > 0 and (history[answer_index].get("metadata") or {}).get("title"):
        answer_index -= 1  # a thumb on a citation panel judges its answer
    question = next(
        (_text(m["content"]) for m in reversed(history[:answer_index]) if m["role"] == "user"),
        "",
    )
    citations = []
    for message in history[answer_index + 1 :]:
        title = (message.get("metadata") or {}).get("title")
        if not title:
            break
        citations.append(title)
    saved = runtime.feedback.add(
        Feedback(
            question=question,
            answer=_text(history[answer_index]["content"]),
            rating=rating,
            comment=comment,
            citations=citations,
            source="chat",
        )
    )
    assert saved.id is not None
    return saved.id
