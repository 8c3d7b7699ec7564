// ragcore web UI: helpers shared by the pages (no library; see docs/web.md).
"use strict";
const rc = {
  // The CSRF token the server put in the page; sent as x-csrftoken on every state-changing request.
  csrf: () => document.querySelector('meta[name="csrf-token"]').content,

  // The problem body's detail of a failed response (RFC 9457), or a plain description.
  problem: async (res) => {
    try {
      const body = await res.json();
      return { detail: body.detail || `${res.status} ${res.statusText}`, code: body.code || "" };
    } catch (_) {
      return { detail: `${res.status} ${res.statusText}`, code: "" };
    }
  },

  // Calls on(event, data) for each Server-Sent Event of a fetch() response, until the stream ends.
  readSse: async (res, on) => {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value.replace(/\r\n?/g, "\n");
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        rc.dispatch(buf.slice(0, cut), on);
        buf = buf.slice(cut + 2);
      }
    }
  },

  dispatch: (block, on) => {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length) on(event, data.join("\n"));
  },

  // [3] -> "page 3"; [3, 4, 5] -> "pages 3-5"; [1, 4] -> "pages 1, 4"; [] -> "no page".
  pages: (pages) => {
    const p = [...new Set(pages)].sort((a, b) => a - b);
    if (!p.length) return "no page";
    if (p.length === 1) return `page ${p[0]}`;
    const run = p[p.length - 1] - p[0] === p.length - 1;
    return run ? `pages ${p[0]}-${p[p.length - 1]}` : `pages ${p.join(", ")}`;
  },

  // An element with attributes and children (strings become text nodes: never parsed as HTML).
  el: (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    node.append(...children);
    return node;
  },
};
