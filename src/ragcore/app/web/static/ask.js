// The ask page: the answer streams in from POST /ui/api/v1/answers (Server-Sent Events); citation
// markers [n] become links that open the cited passage. Without a language model, one click asks
// again in extractive mode (the best passages, no generated text).
"use strict";
(() => {
  const form = document.getElementById("ask");
  const $ = (id) => document.getElementById(id);
  const api = form.dataset.api;
  const MARKERS = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

  form.addEventListener("submit", (e) => { e.preventDefault(); run(form.elements.mode.value); });

  // ask(), with a network failure shown like a problem.
  function run(mode) {
    ask(mode).catch((err) => showProblem({ detail: `the answer was cut off: ${err.message}`, code: "" }, ""));
  }

  function reset() {
    $("result").hidden = false;
    $("problem").hidden = true;
    $("problem").replaceChildren();
    $("answer").replaceChildren();
    $("answer").dataset.state = "waiting";
    $("answer").dataset.tokens = "0";
    $("dropped").hidden = true;
    $("cites-h").hidden = true;
    $("citations").replaceChildren();
  }

  async function ask(mode) {
    reset();
    const body = {
      question: form.elements.question.value, collection: form.dataset.collection,
      top_k: Number(form.elements.top_k.value) || 5, stream: true, mode,
    };
    const res = await fetch(`${api}/answers`, {
      method: "POST", body: JSON.stringify(body),
      headers: { "content-type": "application/json", accept: "text/event-stream", "x-csrftoken": rc.csrf() },
    });
    if (!res.ok) { showProblem(await rc.problem(res), mode); return; }
    $("answer").dataset.state = "streaming";
    await rc.readSse(res, (event, data) => {
      if (event === "token") token(JSON.parse(data).text);
      else if (event === "end") render(JSON.parse(data));
      else if (event === "error") showProblem(JSON.parse(data), mode);
    });
  }

  function token(text) {
    const answer = $("answer");
    answer.append(text);
    answer.dataset.tokens = String(Number(answer.dataset.tokens) + 1);
  }

  function showProblem(problem, mode) {
    $("answer").dataset.state = "failed";
    const box = $("problem");
    box.hidden = false;
    box.replaceChildren(rc.el("p", {}, problem.detail));
    if (problem.code === "llm_unavailable" && mode === "generate") {
      const button = rc.el("button", { type: "button", id: "extractive" }, "Show the best passages instead (extractive, no model)");
      button.onclick = () => { form.elements.mode.value = "extractive"; run("extractive"); };
      box.append(button);
      button.focus();
    }
  }

  function render(answer) {
    const out = $("answer");
    out.replaceChildren(...(answer.answer === null ? [extractiveNote(answer)] : linked(answer.answer)));
    out.dataset.state = "done";
    if (answer.dropped_markers.length) {
      $("dropped").hidden = false;
      $("dropped").textContent = `The model cited ${answer.dropped_markers.map((n) => `[${n}]`).join(", ")}, `
        + "which matched no passage; those markers were removed.";
    }
    $("cites-h").hidden = answer.citations.length === 0;
    $("citations").replaceChildren(...answer.citations.map(citation));
    if (answer.mode === "extractive" && answer.citations.length) openCitation(answer.citations[0].marker, false);
  }

  function extractiveNote(answer) {
    return answer.citations.length ? "Extractive mode: the best passages below, no generated text."
      : "Nothing relevant was found in this collection.";
  }

  function linked(text) {
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(MARKERS)) {
      parts.push(text.slice(last, match.index), "[");
      match[1].split(/\s*,\s*/).forEach((n, i) => {
        if (i) parts.push(", ");
        const link = rc.el("a", { href: `#cite-${n}`, class: "cite", "data-marker": n, "aria-label": `source ${n}` }, n);
        link.addEventListener("click", (e) => { e.preventDefault(); openCitation(n, true); });
        parts.push(link);
      });
      parts.push("]");
      last = match.index + match[0].length;
    }
    parts.push(text.slice(last));
    return parts;
  }

  function citation(c) {
    const summary = rc.el("summary", {}, `[${c.marker}] ${c.filename} · ${rc.pages(c.pages)}`);
    const link = rc.el("a", { href: `/documents/${c.document_id}` }, "open the document");
    const body = rc.el("div", { class: "passage" }, rc.el("p", { class: "text" }, c.text), rc.el("p", { class: "meta" }, link));
    return rc.el("li", { id: `cite-${c.marker}` }, rc.el("details", {}, summary, body));
  }

  function openCitation(marker, focus) {
    const item = document.getElementById(`cite-${marker}`);
    if (!item) return;
    item.querySelector("details").open = true;
    if (focus) { item.querySelector("summary").focus(); item.scrollIntoView({ block: "nearest" }); }
  }
})();
