// The chat page's mends over Gradio's own markup, for screen readers, keyboards and phones.
//
// Gradio's chat labels its buttons in English whatever the page's language, nests a button
// inside each citation panel's header, gives that header no expanded state, reads messages out
// with their Markdown escapes, and copies them with those escapes. This script runs in the
// page (no request leaves it) and corrects each of these whenever Gradio redraws.
(() => {
  const WORDS = {
    sv: {
      copy: "Kopiera med källor",
      copied: "Svaret och dess källor är kopierade.",
      like: "Bra svar",
      dislike: "Dåligt svar",
      clear: "Rensa samtalet",
      examples: "Exempelfrågor",
      example: "Exempelfråga",
      question: "Fråga",
      answer: "Svar",
      sources: "Källor",
      source: "Källa",
    },
    en: {
      copy: "Copy with sources",
      copied: "The answer and its sources are copied.",
      like: "Good answer",
      dislike: "Poor answer",
      clear: "Clear the conversation",
      examples: "Example questions",
      example: "Example question",
      question: "Question",
      answer: "Answer",
      sources: "Sources",
      source: "Source",
    },
  };
  // Gradio's English labels → the words above.
  const GRADIO_LABELS = { "Copy message": "copy", Like: "like", Dislike: "dislike", Clear: "clear" };

  const language = () =>
    document.querySelector("#pa-language input:checked")?.value === "English" ? "en" : "sv";

  function set(element, name, value) {
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  }

  function mend() {
    const lang = language();
    const words = WORDS[lang];
    set(document.documentElement, "lang", lang);
    const chat = document.querySelector("#pa-chat");
    if (!chat) return;
    for (const button of chat.querySelectorAll("button[aria-label]")) {
      const key = button.dataset.pa || GRADIO_LABELS[button.getAttribute("aria-label")];
      if (!key) continue;
      button.dataset.pa = key;
      set(button, "aria-label", words[key]);
      set(button, "title", words[key]);
    }
    for (const list of chat.querySelectorAll(".examples")) {
      set(list, "role", "group");
      set(list, "aria-label", words.examples);
      list.querySelectorAll("button.example").forEach((button, n) => {
        set(button, "aria-label", `${words.example} ${n + 1}: ${button.innerText.trim()}`);
      });
    }
    // A citation panel's header is the one control: its arrow is a picture, not a second button.
    for (const header of chat.querySelectorAll(".title[role=button]")) {
      set(header, "aria-expanded", String(header.classList.contains("expanded")));
      const arrow = header.querySelector(".arrow");
      if (arrow) set(arrow, "aria-hidden", "true");
      arrow?.querySelectorAll("button").forEach((b) => {
        b.disabled = true;
        set(b, "tabindex", "-1");
      });
    }
    // Messages are read from their text, not from a label holding their Markdown source.
    for (const message of chat.querySelectorAll("[data-testid=user][aria-label], [data-testid=bot][aria-label]")) {
      message.removeAttribute("aria-label");
    }
    for (const answer of chat.querySelectorAll("[data-testid=bot] .prose")) {
      if (!answer.closest(".thought")) linkReferences(answer, words); // not in a citation
    }
    const day = document.querySelector("#pa-as-of input");
    if (day) set(day, "type", "date");
  }

  // Each [n] in an answer becomes a button that opens and shows its citation's panel.
  function linkReferences(answer, words) {
    const walker = document.createTreeWalker(answer, NodeFilter.SHOW_TEXT);
    const found = [];
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (/\[\d+\]/.test(node.data) && !node.parentElement.closest("a, button, code")) {
        found.push(node);
      }
    }
    for (const node of found) {
      const pieces = node.data.split(/(\[\d+\])/);
      const fragment = document.createDocumentFragment();
      for (const piece of pieces) {
        const n = piece.match(/^\[(\d+)\]$/)?.[1];
        if (!n) {
          fragment.append(piece);
          continue;
        }
        const button = document.createElement("button");
        button.type = "button";
        button.className = "pa-ref";
        button.dataset.n = n;
        button.textContent = piece;
        button.setAttribute("aria-label", `${words.source} ${n}`);
        fragment.append(button);
      }
      node.replaceWith(fragment);
    }
  }

  function showReference(event) {
    const button = event.target.closest?.("#pa-chat button.pa-ref");
    if (!button) return;
    event.preventDefault();
    const row = button.closest(".message-row");
    const headers = row?.querySelectorAll(".message.thought .title[role=button]") ?? [];
    const header = headers[Number(button.dataset.n) - 1];
    if (!header) return;
    if (header.getAttribute("aria-expanded") !== "true") header.click();
    header.focus();
    header.scrollIntoView({ block: "nearest" });
  }

  // What "copy" gives: the answer as shown (no Markdown escapes), then its sources.
  function copyText(row) {
    const parts = [];
    const answer = row.querySelector(".message:not(.thought) .message-content");
    if (answer) parts.push(answer.innerText.trim());
    const sources = [...row.querySelectorAll(".message.thought")].map((panel) => {
      const title = panel.querySelector(".title")?.innerText.trim() ?? "";
      const body = panel.querySelector(".message-content, .content")?.innerText.trim() ?? "";
      return body ? `${title}\n${body}` : title;
    });
    if (sources.length) parts.push(`${WORDS[language()].sources}:\n${sources.join("\n\n")}`);
    return parts.join("\n\n");
  }

  function copy(event) {
    const button = event.target.closest?.("#pa-chat button[data-pa=copy]");
    if (!button) return;
    // A message's buttons follow its row.
    const row = button.closest(".message-buttons")?.previousElementSibling;
    if (!row?.classList.contains("message-row")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    navigator.clipboard?.writeText(copyText(row));
    const status = document.querySelector("#pa-status");
    if (status) status.textContent = WORDS[language()].copied;
  }

  // Gradio leaves a filter's menu open over the page when Tab moves on (its Tab keydown opens
  // the menu again after the blur has closed it): once the focus has left, blur it again.
  function closeMenu(event) {
    const input = event.target;
    if (!input.matches?.("input[role=combobox]")) return;
    setTimeout(() => {
      if (document.activeElement !== input) input.dispatchEvent(new FocusEvent("blur"));
    }, 50);
  }

  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      mend();
    });
  }

  function start() {
    const status = document.createElement("div");
    status.id = "pa-status";
    status.className = "pa-visually-hidden";
    status.setAttribute("role", "status");
    document.body.append(status);
    document.addEventListener("click", copy, true);
    document.addEventListener("click", showReference);
    document.addEventListener("focusout", closeMenu, true);
    new MutationObserver(schedule).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["class", "aria-label", "type"],
    });
    mend();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
