/*
 * Policy Assistant's chat widget. An intranet page adds one tag:
 *
 *   <script src="https://assistant.example/widget.js" data-lang="en" data-token="…"></script>
 *
 * and gets a "Fråga Policyassistenten" button that opens the chat in a panel (an iframe of
 * this server's chat page). The server, and the path a proxy serves it under, come from the
 * script's own src; nothing is loaded from anywhere else. data-lang: "sv" (default) or "en".
 * data-token: a sign-in token the intranet's server got with its key (POST /v1/widget/tokens);
 * the panel's iframe is then opened at once, hidden, so the token is used while it is valid.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.policyAssistantWidget) return;
  window.policyAssistantWidget = true;

  var base = new URL(".", script.src); // the server and its root path, e.g. …/assistent/
  var lang = script.dataset.lang === "en" ? "en" : "sv";
  var token = script.dataset.token || "";
  var TEXTS = {
    sv: {
      open: "Fråga Policyassistenten",
      title: "Policyassistenten",
      close: "Stäng",
      frame: "Policyassistentens chatt",
    },
    en: {
      open: "Ask the Policy Assistant",
      title: "Policy Assistant",
      close: "Close",
      frame: "Policy Assistant chat",
    },
  };
  var text = TEXTS[lang];

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box}",
    ".launcher,.close{font:600 1rem/1.25 system-ui,sans-serif;cursor:pointer;min-height:44px}",
    ".launcher{position:fixed;right:1.25rem;bottom:1.25rem;z-index:2147483000;color:#fff;",
    "background:#3730a3;border:0;border-radius:1.5rem;padding:.7rem 1.2rem;",
    "box-shadow:0 2px 8px rgba(0,0,0,.35)}",
    ".launcher:hover{background:#312e81}",
    // Two rings, white and blue, so the focus shows on light and dark intranet pages alike.
    ".launcher:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px;",
    "box-shadow:0 0 0 2px #fff}",
    ".panel{position:fixed;right:1.25rem;bottom:5.25rem;z-index:2147483001;display:flex;",
    "flex-direction:column;width:min(28rem,calc(100vw - 2.5rem));",
    "height:min(44rem,calc(100vh - 7rem));background:#fff;border:1px solid #4b5563;",
    "border-radius:.75rem;overflow:hidden;box-shadow:0 8px 32px rgba(0,0,0,.35)}",
    ".panel[hidden]{display:none}",
    ".bar{display:flex;align-items:center;justify-content:space-between;gap:1rem;",
    "padding:.4rem .5rem .4rem 1rem;color:#fff;background:#3730a3;",
    "font:600 1rem/1.25 system-ui,sans-serif}",
    ".close{color:#3730a3;background:#fff;border:0;border-radius:.4rem;padding:.4rem .9rem}",
    ".close:focus-visible{outline:3px solid #fff;outline-offset:2px}",
    "iframe{flex:1;width:100%;border:0;background:#fff}",
    // A phone: the panel takes the screen.
    "@media (max-width:600px){.panel{inset:0;width:100%;height:100%;border:0;",
    "border-radius:0}}",
  ].join("");

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.append(child);
    });
    return node;
  }

  function chatUrl() {
    if (token) {
      var query = new URLSearchParams({ token: token, lang: lang });
      return new URL("signin/token?" + query, base).href;
    }
    return new URL(lang === "en" ? "chat/?lang=en" : "chat/", base).href;
  }

  function build() {
    var host = element("div", { id: "policy-assistant-widget" });
    var root = host.attachShadow({ mode: "open" });
    var launcher = element(
      "button",
      { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "panel" },
      [text.open]
    );
    var close = element("button", { type: "button", class: "close" }, [text.close]);
    var title = element("span", { id: "panel-title" }, [text.title]);
    var panel = element(
      "div",
      { id: "panel", class: "panel", role: "dialog", "aria-labelledby": "panel-title" },
      [element("div", { class: "bar" }, [title, close])]
    );
    panel.hidden = true;
    var frame = null;

    function ensureFrame() {
      if (frame) return;
      frame = element("iframe", { title: text.frame, src: chatUrl() });
      panel.append(frame);
    }
    function open() {
      ensureFrame();
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      frame.focus();
    }
    function shut() {
      if (panel.hidden) return;
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      launcher.focus();
    }

    launcher.addEventListener("click", function () {
      if (panel.hidden) open();
      else shut();
    });
    close.addEventListener("click", shut);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") shut();
    });
    // Escape pressed inside the chat: its page tells this one (see routes/widget.py).
    window.addEventListener("message", function (event) {
      var fromChat = frame && event.source === frame.contentWindow && event.origin === base.origin;
      if (fromChat && event.data && event.data.policyAssistant === "escape") shut();
    });

    root.append(element("style", {}, [CSS]), launcher, panel);
    document.body.append(host);
    if (token) ensureFrame(); // the token is short-lived: sign in now, show on demand
  }

  if (document.body) build();
  else document.addEventListener("DOMContentLoaded", build);
})();
