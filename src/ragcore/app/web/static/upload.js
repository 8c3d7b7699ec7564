// The collection page's uploads: each file is sent on its own (so one refused file never blocks the
// others), then its job's progress and stage names stream in from /ui/api/v1/jobs/{id}/events.
"use strict";
(() => {
  const form = document.getElementById("upload");
  const input = document.getElementById("files");
  const drop = document.getElementById("drop");
  const list = document.getElementById("uploads");
  const api = form.dataset.api;
  const target = `${api}/collections/${encodeURIComponent(form.dataset.collection)}/documents`;

  form.addEventListener("submit", (e) => { e.preventDefault(); sendAll(input.files); });
  input.addEventListener("change", () => { sendAll(input.files); input.value = ""; });
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); sendAll(e.dataTransfer.files); });

  function sendAll(files) { for (const file of [...files]) upload(file, row(file)); }

  function row(file) {
    const bar = rc.el("progress", { max: "100", value: "0", "aria-label": `${file.name} progress` });
    const stage = rc.el("span", { class: "stage" }, "waiting");
    const cancel = rc.el("button", { type: "button", class: "cancel" }, "Cancel");
    const name = rc.el("span", { class: "name", title: file.name }, file.name);
    const li = rc.el("li", { class: "upload", "data-file": file.name }, name, bar, stage, cancel);
    list.append(li);
    const set = (value, text, state) => {
      if (value !== null) bar.value = value;
      stage.textContent = text;
      const seen = li.dataset.stages ? li.dataset.stages.split("|") : [];
      if (seen[seen.length - 1] !== text) li.dataset.stages = [...seen, text].join("|");  // the stages shown
      if (state) { li.dataset.state = state; cancel.disabled = true; }
    };
    return { li, bar, stage, cancel, name, set };
  }

  function upload(file, r) {
    const data = new FormData();
    data.append("files", file, file.name);
    const metadata = document.getElementById("metadata").value.trim();
    if (metadata) data.append("metadata", metadata);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", target);
    xhr.setRequestHeader("x-csrftoken", rc.csrf());
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) r.set(Math.round((100 * e.loaded) / e.total), "uploading", null);
    };
    xhr.onload = () => accepted(xhr, r);
    xhr.onerror = () => r.set(null, "network error: the upload did not reach the server", "refused");
    xhr.onabort = () => r.set(null, "cancelled", "cancelled");
    r.cancel.onclick = () => xhr.abort();
    r.set(0, "uploading", null);
    xhr.send(data);
  }

  function accepted(xhr, r) {
    let body = {};
    try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON: described below */ }
    if (xhr.status !== 202) {
      r.set(null, body.detail || `${xhr.status} ${xhr.statusText}`, "refused");
      r.bar.value = 0;
      return;
    }
    const item = body.items[0];
    r.name.replaceChildren(rc.el("a", { href: `/documents/${item.document.id}` }, item.document.filename));
    if (item.duplicate) r.li.dataset.duplicate = "true";
    if (!item.job_id) { r.set(100, `already in this collection (${item.document.status})`, "done"); return; }
    follow(item.job_id, r, item.duplicate);
  }

  function follow(jobId, r, duplicate) {
    const events = new EventSource(`${api}/jobs/${jobId}/events`);
    r.cancel.onclick = async () => {
      const res = await fetch(`${api}/jobs/${jobId}/cancel`, { method: "POST", headers: { "x-csrftoken": rc.csrf() } });
      if (!res.ok) r.stage.textContent = (await rc.problem(res)).detail;
    };
    events.addEventListener("progress", (e) => {
      const job = JSON.parse(e.data);
      r.set(job.progress, job.stage || job.status, null);
    });
    events.addEventListener("end", (e) => {
      events.close();
      document.getElementById("reload").hidden = false;
      const job = JSON.parse(e.data);
      const prefix = duplicate ? "already uploaded: " : "";
      if (job.status === "succeeded") r.set(100, `${prefix}ready`, "ready");
      else if (job.status === "cancelled") r.set(null, "cancelled", "cancelled");
      else r.set(null, `failed: ${job.error_message || job.error_code}`, "failed");
    });
    events.onerror = () => { if (events.readyState === EventSource.CLOSED) r.set(null, "progress stream lost", "lost"); };
  }
})();
