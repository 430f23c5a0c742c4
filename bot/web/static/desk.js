// Agent desk: the live queue (server-sent events), claim, the taken-over conversation with
// suggestions, and messages checked by the server before they reach the borrower.
"use strict";
(function () {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const MESSAGES = {
    401: "登录已过期，请重新登录。",
    403: "没有权限，或页面已过期（请刷新）。",
    404: "该转人工记录不存在。",
    409: "该对话已被其他坐席接管。",
  };
  const me = $("desk").dataset.user;
  let current = null; // {id, cursor}
  let stream = null;
  let chosen = null; // the suggestion put into the draft: {script_id, version, text}
  let audio = null;
  const alerted = new Set();

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function call(method, url, body) {
    const options = { method, credentials: "same-origin", headers: { "X-CSRF-Token": token } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok && response.status !== 422) {
      throw new Error(MESSAGES[response.status] || data.error || "请求失败（" + response.status + "）");
    }
    return { status: response.status, data };
  }

  function showError(error) {
    $("desk-error").textContent = error ? error.message : "";
    $("desk-error").hidden = !error;
  }

  // ------------------------------------------------------------ the alert (visible and audible)
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35].forEach((offset) => {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.type = "square";
        oscillator.frequency.value = 880;
        gain.gain.value = 0.08;
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(audio.currentTime + offset);
        oscillator.stop(audio.currentTime + offset + 0.2);
      });
    } catch (error) {
      // No audio device: the visible alert remains.
    }
  }
  $("sound").addEventListener("click", () => { beep(); $("sound").textContent = "提示音已开启"; });

  // ------------------------------------------------------------ the queue
  function waited(seconds) {
    if (seconds < 60) return seconds + " 秒";
    if (seconds < 3600) return Math.floor(seconds / 60) + " 分钟";
    return Math.floor(seconds / 3600) + " 小时";
  }

  let lastQueue = null;

  function renderQueue(payload) {
    lastQueue = payload;
    const items = payload.items;
    const received = Date.now();
    $("queue").replaceChildren(...items.map((item) => {
      const row = element("li", (item.urgent ? "urgent " : "") + (current && current.id === item.id ? "mine" : ""));
      row.dataset.id = item.id;
      row.dataset.reason = item.reason;
      row.dataset.conversation = item.conversation_id;
      row.appendChild(element("span", "reason", (item.urgent ? "⚠ " : "") + item.reason_label));
      row.appendChild(element("span", "small", item.account || "未核身"));
      const wait = element("span", "small muted wait", "已等待 " + waited(item.waiting_seconds));
      wait.dataset.since = String(received - item.waiting_seconds * 1000);
      row.appendChild(wait);
      if (item.status === "assigned") {
        row.appendChild(element("span", "small", "已由 " + (item.claimed_by || "坐席") + " 接管"));
        if (item.claimed_by === me && !(current && current.id === item.id)) {
          const again = element("button", "reopen", "打开");
          again.type = "button";
          again.addEventListener("click", () => open(item.id).catch(showError));
          row.appendChild(again);
        }
      } else {
        const button = element("button", "primary claim", "接管");
        button.type = "button";
        button.addEventListener("click", () => claim(item.id));
        row.appendChild(button);
      }
      return row;
    }));
    $("queue-empty").hidden = items.length > 0;
    const fresh = items.filter((i) => i.urgent && i.status === "open" && !alerted.has(i.id));
    fresh.forEach((i) => alerted.add(i.id));
    $("alert").hidden = !items.some((i) => i.urgent && i.status === "open");
    if (fresh.length) beep();
  }

  setInterval(() => {
    document.querySelectorAll("#queue .wait").forEach((node) => {
      node.textContent = "已等待 " + waited(Math.floor((Date.now() - Number(node.dataset.since)) / 1000));
    });
  }, 5000);

  function followQueue() {
    const events = new EventSource("/api/desk/events");
    events.addEventListener("open", () => { $("queue-state").textContent = "实时"; });
    events.addEventListener("error", () => { $("queue-state").textContent = "重新连接中…"; });
    events.addEventListener("queue", (event) => renderQueue(JSON.parse(event.data)));
  }

  // ------------------------------------------------------------ the conversation
  function addMessage(message) {
    const kind = message.who === "borrower" ? "borrower" : message.who;
    const item = element("li", kind);
    const who = message.who === "borrower" ? "客户" : message.who === "agent" ? "坐席 " + message.agent : "助手";
    item.appendChild(element("span", "who", who + (message.intent ? " · " + message.intent : "")));
    item.appendChild(document.createTextNode(message.text));
    $("messages").appendChild(item);
    $("messages").scrollTop = $("messages").scrollHeight;
  }

  function showContact(contact) {
    const facts = [];
    facts.push(contact.verified ? "✓ 已核身" : "✗ 未核身（先核实身份，不得透露欠款信息）");
    if (contact.wrong_person) facts.push("对方称非本人");
    if (contact.stop_contact) facts.push("要求停止联系");
    if (contact.distress) facts.push("情绪危机");
    $("contact").textContent = facts.join(" · ");
    $("contact").dataset.verified = contact.verified ? "yes" : "no";
    $("verify").hidden = contact.verified;
    $("contact-notes").replaceChildren(...contact.notes.map((note) => element("li", "", note)));
    if (contact.paused !== undefined) $("paused").textContent = contact.paused ? "机器人已暂停" : "机器人在线";
  }

  function base() { return "/api/desk/handoffs/" + current.id; }

  async function claim(id) {
    showError(null);
    try {
      await call("POST", "/api/desk/handoffs/" + id + "/claim", {});
      await open(id);
    } catch (error) {
      showError(error);
      $("conversation").hidden = false;
    }
  }

  async function open(id) {
    current = { id, cursor: 0 };
    const { data } = await call("GET", base() + "/conversation");
    $("conversation-id").textContent = data.conversation_id;
    $("messages").replaceChildren();
    data.messages.forEach(addMessage);
    current.cursor = data.cursor;
    showContact({ ...data.contact, paused: data.paused });
    $("conversation").hidden = false;
    $("suggestion-card").hidden = false;
    $("blocked").hidden = true;
    if (lastQueue) renderQueue(lastQueue);
    if (stream) stream.close();
    stream = new EventSource(base() + "/events?after=" + encodeURIComponent(current.cursor));
    stream.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      addMessage(message);
      if (message.who === "borrower") refreshSuggestions();
    });
    stream.addEventListener("contact", (event) => showContact(JSON.parse(event.data)));
    stream.addEventListener("unavailable", (event) => showError(new Error(JSON.parse(event.data).error)));
    refreshSuggestions();
  }

  async function refreshSuggestions() {
    if (!current) return;
    try {
      const { data } = await call("GET", base() + "/suggestions");
      $("situation").textContent = data.situation ? data.situation.label + "（" + data.situation.intent + "）" : "";
      $("suggestions").replaceChildren(...data.suggestions.map((s) => {
        const item = element("li");
        item.appendChild(element("span", "text", s.text));
        item.appendChild(element("span", "meta", s.script_id + " v" + s.version));
        const use = element("button", "use", "使用");
        use.type = "button";
        use.addEventListener("click", () => {
          chosen = { script_id: s.script_id, version: s.version, text: s.text };
          $("draft").value = s.text;
          $("draft").focus();
        });
        item.appendChild(use);
        return item;
      }));
    } catch (error) {
      showError(error);
    }
  }

  function showBlocked(data) {
    $("highlighted").replaceChildren(...data.segments.map((segment) => {
      if (!segment.rules.length) return document.createTextNode(segment.text);
      const mark = element("mark", "", segment.text);
      mark.title = segment.messages.join("；");
      mark.dataset.rules = segment.rules.join(" ");
      return mark;
    }));
    $("violations").replaceChildren(...data.violations.map((v) =>
      element("li", "", "「" + v.excerpt + "」" + v.rule + "：" + v.message)));
    $("alternative-box").hidden = !data.alternative;
    if (data.alternative) {
      $("alternative").textContent = data.alternative.text;
      $("alternative-id").textContent = data.alternative.script_id + " v" + data.alternative.version;
      $("use-alternative").onclick = () => {
        chosen = { script_id: data.alternative.script_id, version: data.alternative.version, text: data.alternative.text };
        $("draft").value = data.alternative.text;
        $("blocked").hidden = true;
      };
    }
    $("blocked").hidden = false;
  }

  $("send-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(null);
    const text = $("draft").value.trim();
    if (!text || !current) return;
    const body = { text };
    if (chosen) {
      body.script_id = chosen.script_id;
      body.script_version = chosen.version;
      body.suggested_text = chosen.text;
    }
    try {
      const { status, data } = await call("POST", base() + "/messages", body);
      if (status === 422) {
        showBlocked(data);
        return;
      }
      $("blocked").hidden = true;
      $("draft").value = "";
      chosen = null;
    } catch (error) {
      showError(error);
    }
  });

  async function finish(path, body) {
    showError(null);
    try {
      await call("POST", base() + path, body);
      if (stream) stream.close();
      stream = null;
      current = null;
      $("conversation").hidden = true;
      $("suggestion-card").hidden = true;
    } catch (error) {
      showError(error);
    }
  }
  const VERIFY_RESULTS = {
    verified: "✓ 核身通过",
    mismatch: "✗ 信息未通过核实（不要告诉客户哪一项不对）",
    locked: "✗ 多次核实未通过，已锁定：请引导客户拨打官方热线",
    missing: "客户还没有提供手机号和身份证后四位：请先请客户提供",
  };
  $("verify").addEventListener("click", async () => {
    showError(null);
    try {
      const { data } = await call("POST", base() + "/verify", {});
      $("verify-result").textContent = VERIFY_RESULTS[data.status] || data.status;
      if (data.status === "verified") refreshSuggestions();
    } catch (error) {
      showError(error);
    }
  });

  $("draft").addEventListener("input", () => { if (!$("draft").value.trim()) chosen = null; });
  $("handback").addEventListener("click", () => finish("/handback", {}));
  $("close").addEventListener("click", () => finish("/close", { outcome: $("outcome").value }));

  followQueue();
})();
