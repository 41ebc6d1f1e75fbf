"""The staff chat page (Gradio): its components and which handler each event calls.

Swedish by default, English from the language switch or `?lang=en`. Each answer streams into
the chat, followed by its citations as collapsed panels that open on the verbatim paragraph;
one a site's language model wrote ends with a note saying so, once it is whole.
The page is a client of the same service the API calls (see `handlers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

import gradio as gr

from assistant.web.page.handlers import ALL, PageHandlers
from assistant.web.page.recent import NEW, RecentConversations
from assistant.web.page.texts import LANGUAGES, TEXTS
from assistant.web.runtime import Runtime

CSS = """
.pa-notice { border-left: 4px solid #b45309; padding: 0.4em 0.8em; background: #fffbeb; }
:focus-visible, textarea:focus, input:focus {
  outline: 3px solid #1d4ed8 !important; outline-offset: 2px;
}
.pa-visually-hidden {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap;
}
#pa-chat .title .arrow button { pointer-events: none; }
#pa-chat button.pa-ref {
  font: inherit; color: #1e40af; background: none; border: 0; padding: 0 0.1em;
  text-decoration: underline; cursor: pointer;
}
/* A citation's quote reads at the answer's size (Gradio sets a panel's text at 12 px), its
   document, section and version lines a little smaller. */
#pa-chat .thought .message-content, #pa-chat .thought .prose { font-size: 0.875rem; }
#pa-chat .thought blockquote, #pa-chat .thought blockquote p { font-size: 1rem; }
/* The chat's floating label sits above its empty-state text, not over it on a narrow screen. */
#pa-chat .placeholder-content { padding-top: 2.25rem; }
/* Whose words: a generated answer's note, apart from the quoted paragraphs by a rule above,
   italics and a mark (not colour alone); over 4.5:1 on the bubble, light or dark. */
#pa-chat .pa-generated {
  margin-top: 0.75em; padding-top: 0.4em; border-top: 1px dashed #4b5563;
  font-style: italic; font-size: 0.95em; color: #1f2937;
}
.dark #pa-chat .pa-generated { color: #e5e7eb; border-top-color: #9ca3af; }
#pa-chat .pa-generated::before { content: "✎ " / ""; font-style: normal; }
#pa-chat .pa-generated.pa-quoted::before { content: "❝ " / ""; }
@media (max-width: 640px) {
  #pa-chat { height: auto !important; min-height: 40vh; }
  #pa-chat .bubble-wrap { max-height: none; }
}
"""
PRIVATE = "private"  # events that are the page's own, not part of its public API


@dataclass
class ChatPage:
    blocks: gr.Blocks
    theme: gr.themes.Base
    css: str
    head: str  # the page's own script (`mend.js`), inline: nothing is fetched


@dataclass
class Components:
    language: gr.State
    # The conversation as the server wrote it. The chat shows it; what a browser sends back as
    # the chat's value is never read, so no forged message (a file, say) becomes the server's.
    conversation: gr.State
    feedback_ids: gr.State  # chat message index → feedback record id
    record: gr.State  # the saved conversation's id and the versions its answers cited
    language_choice: gr.Radio
    header: gr.Markdown
    filters: gr.Accordion
    organisation: gr.Dropdown
    document: gr.Dropdown
    as_of: gr.Textbox
    chatbot: gr.Chatbot
    notice: gr.Markdown
    question: gr.Textbox
    ask: gr.Button
    comment: gr.Textbox
    send_comment: gr.Button
    clear: gr.Button
    recent: gr.Dropdown
    forget: gr.Button
    export: gr.Button  # a link to the conversation as Markdown (routes/export.py)
    sign_out: gr.Button  # shown when the page is behind keys

    @property
    def labelled(self) -> list:
        """The components whose words change with the language, in `labels()` order."""
        return [
            self.header,
            self.filters,
            self.organisation,
            self.document,
            self.as_of,
            self.chatbot,
            self.question,
            self.ask,
            self.comment,
            self.send_comment,
            self.clear,
            self.recent,
            self.forget,
            self.export,
            self.sign_out,
        ]


def build_chat_page(runtime: Runtime) -> ChatPage:
    # System fonts: the page must render with no request leaving the intranet.
    theme = gr.themes.Soft(font=["system-ui", "sans-serif"], font_mono=["monospace"]).set(
        # WCAG 2.1 AA contrast (4.5:1) for labels and the primary buttons.
        block_label_text_color="*primary_800",
        block_title_text_color="*primary_800",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        checkbox_label_background_fill_selected="*primary_700",
        checkbox_background_color_selected="*primary_700",
        body_text_color_subdued="*neutral_600",
    )
    with gr.Blocks(title="Policyassistenten", analytics_enabled=False) as blocks:
        components = _components(signed_in=bool(runtime.settings.api_keys))
        _wire(components, PageHandlers(runtime), blocks)
    script = files("assistant.web.page").joinpath("mend.js").read_text(encoding="utf-8")
    return ChatPage(blocks, theme, CSS, f"<script>{script}</script>")


def _components(signed_in: bool) -> Components:
    sv = TEXTS["sv"]
    language, conversation, feedback_ids = gr.State("sv"), gr.State([]), gr.State({})
    record = gr.State(dict(NEW))
    header = gr.Markdown(sv["header"])
    # One control in front of the filters, so that on a phone the question is on the first screen.
    with gr.Accordion(sv["filters"], open=False, elem_id="pa-filters") as filters, gr.Row():
        language_choice, organisation, document = _choices_row(sv)
        as_of = gr.Textbox(label=sv["as_of"], scale=1, max_lines=1, elem_id="pa-as-of")
    chatbot = gr.Chatbot(
        label=sv["chat"],
        placeholder=sv["placeholder"],
        height=520,
        elem_id="pa-chat",
        examples=[{"text": q} for q in sv["examples"]],
        buttons=["copy"],
        latex_delimiters=[],  # a "$" in a policy is a currency sign, not mathematics
    )
    notice = gr.Markdown(visible=False, elem_classes=["pa-notice"], elem_id="pa-notice")
    with gr.Row():
        question = gr.Textbox(
            label=sv["question_label"],
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
    with gr.Row():
        recent = gr.Dropdown(
            [(sv["no_conversation"], "")], value="", label=sv["recent"], scale=8,
            elem_id="pa-recent",
        )  # fmt: skip
        forget = gr.Button(sv["forget"], scale=1, elem_id="pa-forget")
        export = gr.Button(sv["export"], scale=1, visible=False, elem_id="pa-export")
    # A link: Gradio's logout (relative to the page, so under any prefix), which the gate turns
    # into ending the server's session.
    sign_out = gr.Button(
        sv["sign_out"], link="logout", size="sm", visible=signed_in, elem_id="pa-sign-out"
    )
    return Components(
        language, conversation, feedback_ids, record, language_choice, header, filters,
        organisation, document, as_of, chatbot, notice, question, ask, comment, send_comment,
        clear, recent, forget, export, sign_out,
    )  # fmt: skip


def _choices_row(sv: dict) -> tuple[gr.Radio, gr.Dropdown, gr.Dropdown]:
    """The language switch and the two filters."""
    language_choice = gr.Radio(
        list(LANGUAGES), value="Svenska", label="Språk / Language", scale=1, elem_id="pa-language"
    )
    organisation = _filter(sv["all_organisations"], sv["organisation"], "pa-organisation")
    document = _filter(sv["all_documents"], sv["document"], "pa-document")
    return language_choice, organisation, document


def _filter(everything: str, label: str, elem_id: str) -> gr.Dropdown:
    # allow_custom_value: the filter's choices arrive with the page, per session.
    return gr.Dropdown(
        [(everything, ALL)], value=ALL, label=label, scale=2, elem_id=elem_id,
        allow_custom_value=True,
    )  # fmt: skip


def _wire(c: Components, handlers: PageHandlers, blocks: gr.Blocks) -> None:
    recent = RecentConversations(handlers.runtime, handlers.labels_of)
    inputs = [c.question, c.conversation, c.organisation, c.document, c.as_of, c.language]
    inputs.append(c.record)
    outputs = [c.chatbot, c.conversation, c.question, c.notice, c.record]
    saved = (
        recent.remember,
        [c.conversation, c.record, c.language],
        [c.record, c.recent, c.export],
    )
    c.ask.click(handlers.answer, inputs, outputs, api_name="ask").then(
        *saved, api_visibility=PRIVATE
    )
    c.question.submit(handlers.answer, inputs, outputs, api_visibility=PRIVATE).then(
        *saved, api_visibility=PRIVATE
    )

    def pick_example(data: gr.SelectData) -> str:
        return data.value["text"]

    c.chatbot.example_select(pick_example, None, [c.question], api_visibility=PRIVATE).then(
        handlers.answer, inputs, outputs, api_visibility=PRIVATE
    ).then(*saved, api_visibility=PRIVATE)
    c.chatbot.like(
        handlers.thumb,
        [c.conversation, c.feedback_ids, c.language],
        [c.feedback_ids, c.notice],
        api_visibility=PRIVATE,
    )
    c.send_comment.click(
        handlers.comment,
        [c.comment, c.conversation, c.feedback_ids, c.language],
        [c.feedback_ids, c.comment, c.notice],
        api_visibility=PRIVATE,
    )
    c.language_choice.change(
        handlers.relabel,
        [c.language_choice],
        [c.language, c.notice, *c.labelled],
        api_visibility=PRIVATE,
    )
    loaded = blocks.load(
        handlers.load, None, [c.language, c.language_choice, *c.labelled], api_visibility=PRIVATE
    )
    _wire_recent(c, recent, loaded)


def _wire_recent(c: Components, recent: RecentConversations, loaded: gr.events.Dependency) -> None:
    """Starting over, reopening, deleting, and the conversation restored on load."""
    new_conversation = (
        recent.start_over,
        [c.language],
        [
            c.chatbot,
            c.conversation,
            c.feedback_ids,
            c.notice,
            c.question,
            c.record,
            c.recent,
            c.export,
        ],
    )
    c.clear.click(*new_conversation, api_visibility=PRIVATE)
    c.chatbot.clear(*new_conversation, api_visibility=PRIVATE)  # the chat's own trash icon
    # On change, not on input: Gradio's list sends "input" on every blur too (a click past it,
    # a keyboard user tabbing through), which could land after a "new conversation" and undo it.
    c.recent.change(
        recent.reopen,
        [c.recent, c.record, c.language],
        [c.chatbot, c.conversation, c.record, c.feedback_ids, c.notice, c.export],
        api_visibility=PRIVATE,
    )
    c.forget.click(
        recent.forget,
        [c.recent, c.record, c.language],
        [
            c.recent,
            c.chatbot,
            c.conversation,
            c.record,
            c.feedback_ids,
            c.notice,
            c.export,
        ],
        api_visibility=PRIVATE,
    )
    loaded.then(
        recent.restore,
        [c.language],
        [c.chatbot, c.conversation, c.record, c.recent, c.export],
        api_visibility=PRIVATE,
    )
