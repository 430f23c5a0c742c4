// Borrower chat: posts to our /api/chat proxy (same origin), shows the assistant's replies.
"use strict";
(function () {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const log = document.getElementById("chat-log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-input");
  // Approved scripts rendered into the page, for answers that carry none (nginx's own 413/429).
  const MESSAGES = {
    400: form.dataset.tooLong,
    403: "页面已过期，请刷新后再试。",
    413: form.dataset.tooLong,
    429: form.dataset.rateLimited,
    502: form.dataset.unavailable,
    503: form.dataset.unavailable,
  };

  function add(kind, text) {
    const item = document.createElement("li");
    item.className = kind;
    item.textContent = text;
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      // 429 and 503 carry an approved script to show; other errors a short local text.
      const approved = Array.isArray(data.messages) && data.messages.length && data.messages[0].text;
      const error = new Error(approved || MESSAGES[response.status] || "发送失败，请稍后再试。");
      error.kind = approved ? "bot" : "error";
      throw error;
    }
    return data;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    add("me", text);
    const typing = add("typing", "对方正在输入…");
    form.querySelector("button").disabled = true;
    try {
      const data = await post("/api/chat", { message: text });
      typing.remove();
      if (data.restarted) {
        add("hint", "已开始新的对话。");
        pushed.close();
        pushed = follow();
      }
      data.messages.forEach((message) => add("bot", message.text));
    } catch (error) {
      typing.remove();
      add(error.kind || "error", error.message);
    } finally {
      form.querySelector("button").disabled = false;
      input.focus();
    }
  });

  // What a person at the agent desk says arrives pushed (server-sent events).
  // The stream follows the conversation of the session cookie: reconnect when it changes.
  function follow() {
    const events = new EventSource("/api/chat/events");
    events.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      add(message.agent ? "bot agent" : "bot", message.text);
    });
    return events;
  }
  let pushed = follow();

  document.getElementById("chat-reset").addEventListener("click", async () => {
    await post("/api/chat/reset");
    pushed.close();
    pushed = follow();
    log.innerHTML = "";
    add("hint", "已开始新的对话。");
  });
})();
