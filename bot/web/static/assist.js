// Agent assist: suggestions for a borrower message and the compliance check of a draft.
"use strict";
(function () {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const MESSAGES = {
    400: "请求有误：",
    401: "登录已过期，请重新登录。",
    403: "没有权限，或页面已过期（请刷新）。",
    404: "所选账户不存在。",
    502: "Rasa 服务暂时不可用，请稍后再试。",
    503: "合规检查模型暂时不可用，请联系管理员。",
  };

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const reason = MESSAGES[response.status] || "请求失败（" + response.status + "）";
      throw new Error(response.status === 400 && data.error ? reason + data.error : reason);
    }
    return data;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showError(id, error) {
    const box = $(id);
    box.textContent = error ? error.message : "";
    box.hidden = !error;
  }

  $("suggest-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("suggest-error", null);
    try {
      const data = await post("/api/assist/suggest", {
        message: $("message").value,
        history: $("history").value,
        account_id: $("account").value || null,
      });
      $("intent").textContent = data.parse.label + "（" + data.parse.intent + "）";
      $("confidence").textContent = data.parse.confidence === null ? "" : "置信度 " + data.parse.confidence.toFixed(2);
      $("entities").textContent = data.parse.entities.length
        ? data.parse.entities.map((e) => e.entity + "=" + e.value).join("，") : "无";
      $("elapsed").textContent = data.elapsed_ms + " ms";
      const notes = $("notes");
      notes.replaceChildren(...data.situation.notes.map((note) => element("li", "", note)));
      const list = $("suggestions");
      list.replaceChildren(...data.suggestions.map((s) => {
        const item = element("li");
        item.appendChild(element("span", "text", s.text));
        const meta = element("span", "meta", s.script_id + " v" + s.version + (s.source === "assistant" ? " · 助手会这样回答" : ""));
        item.appendChild(meta);
        if (s.missing.length) item.appendChild(element("span", "meta missing", " · 待补充：" + s.missing.join("、")));
        return item;
      }));
      $("suggest-result").hidden = false;
    } catch (error) {
      showError("suggest-error", error);
    }
  });

  $("check-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("check-error", null);
    try {
      const data = await post("/api/assist/check", {
        text: $("draft").value,
        account_id: $("account").value || null,
      });
      const verdict = $("verdict");
      verdict.textContent = data.ok ? "✓ 未发现违规" : "✗ 发现 " + data.violations.length + " 处违规";
      verdict.className = "verdict " + (data.ok ? "ok" : "bad");
      $("highlighted").replaceChildren(...data.segments.map((segment) => {
        if (!segment.rules.length) return document.createTextNode(segment.text);
        const mark = element("mark", "", segment.text);
        mark.title = segment.messages.join("；");
        mark.dataset.rules = segment.rules.join(" ");
        return mark;
      }));
      $("violations").replaceChildren(...data.violations.map((v) =>
        element("li", "", "「" + v.excerpt + "」" + v.rule + "：" + v.message)));
      const box = $("alternative-box");
      box.hidden = data.ok || !data.alternative;
      if (data.alternative) {
        $("alternative").textContent = data.alternative.text;
        $("alternative-id").textContent = data.alternative.script_id + " v" + data.alternative.version;
      }
      $("check-result").hidden = false;
    } catch (error) {
      showError("check-error", error);
    }
  });
})();
