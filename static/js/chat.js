/* UCS chat: the thread at /messages/<id>/ and the live conversation list.
   Uses the socket from realtime.js. Every message is keyed by id, and by client_id while it
   is on its way, so a message that arrives twice (ack, message.new, catch-up) shows once. */
(function () {
  "use strict";

  var rt = window.UCSRealtime;
  if (!rt) return;

  function $(id) { return document.getElementById(id); }
  function json(id) { var el = $(id); return el ? JSON.parse(el.textContent) : null; }
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }
  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function time(iso) {
    var d = new Date(iso);
    return d.toLocaleTimeString(document.documentElement.lang || undefined,
      { hour: "2-digit", minute: "2-digit" });
  }

  /* ---- The conversation list (every /messages/ page) ---------------------------------- */

  var data = json("chat-data");
  var current = data ? data.conversation.id : null;

  function listItem(conversationId) {
    return document.querySelector('.chat-item[data-conversation="' + conversationId + '"]');
  }

  var layout = document.querySelector(".chat-layout");
  var myId = layout ? parseInt(layout.getAttribute("data-me"), 10) : null;

  function previewText(m) {
    if (m.deleted) return i18n.deleted || "";
    return m.body ? m.body.slice(0, 80) : (i18n.file || "");
  }

  rt.on(function (frame) {
    if (frame.type === "message.updated") {
      // An edited or deleted message that is the one the list shows: show it as it is now.
      var changed = listItem(frame.message.conversation);
      var shown = changed && changed.querySelector("[data-preview]");
      if (shown && shown.getAttribute("data-message") === String(frame.message.id)) {
        shown.textContent = previewText(frame.message);
      }
      return;
    }
    if (frame.type !== "message.new") return;
    var m = frame.message;
    var item = listItem(m.conversation);
    if (!item) {
      // A conversation this page does not list yet: on the list page, fetch it fresh.
      if (!data) window.location.reload();
      return;
    }
    var preview = item.querySelector("[data-preview]");
    if (preview) {
      preview.textContent = previewText(m);
      preview.setAttribute("data-message", String(m.id));
    }
    var li = item.parentNode;
    li.parentNode.insertBefore(li, li.parentNode.firstChild);
    if (m.sender.id !== myId && m.conversation !== current) {
      var badge = item.querySelector("[data-unread]");
      badge.textContent = String((parseInt(badge.textContent, 10) || 0) + 1);
      badge.hidden = false;
      item.classList.add("is-unread");
    }
  });

  var i18n = json("chat-i18n") || {};
  Array.prototype.forEach.call(document.querySelectorAll(".chat-item-time"), function (el) {
    el.textContent = time(el.getAttribute("datetime"));
  });
  if (!data) return;

  /* ---- The thread ------------------------------------------------------------------- */

  var me = data.me;
  var list = $("thread-messages");
  var scroller = $("thread-scroll");
  var status = $("chat-status");
  var typingLine = $("typing");
  var form = $("composer");
  var input = $("composer-body");
  var files = $("composer-files");
  var fileList = $("composer-file-list");
  var errorLine = $("composer-error");
  var olderButton = $("thread-older");
  var byId = {};          // message id -> element
  var pending = {};       // client_id -> {element, body, files}
  var lastId = 0;         // newest message id shown: the catch-up point
  var firstId = null;
  var readMarks = data.read_marks || {};
  var lastReadSent = 0;

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  }
  function toBottom() { scroller.scrollTop = scroller.scrollHeight; }

  function render(m, el) {
    el = el || document.createElement("li");
    var mine = m.sender.id === me.id;
    el.className = "msg" + (mine ? " msg-mine" : "") + (m.deleted ? " msg-deleted" : "");
    el.setAttribute("data-id", m.id);
    el.setAttribute("data-client-id", m.client_id);
    el.textContent = "";
    var bubble = document.createElement("div");
    bubble.className = "msg-bubble";
    if (!mine) {
      var who = document.createElement("p");
      who.className = "msg-who";
      who.textContent = m.sender.name + (m.organization ? " · " + fmt(i18n.forOrg, { name: m.organization.name }) : "");
      bubble.appendChild(who);
    } else if (m.organization) {
      var org = document.createElement("p");
      org.className = "msg-who";
      org.textContent = fmt(i18n.forOrg, { name: m.organization.name });
      bubble.appendChild(org);
    }
    var body = document.createElement("div");
    body.className = "msg-body";
    if (m.deleted) {
      body.textContent = i18n.deleted;
    } else {
      // `html` comes from the server's sanitiser (ucs/markdown.py), never from this client.
      body.innerHTML = m.html;
    }
    bubble.appendChild(body);
    (m.attachments || []).forEach(function (a) {
      var link = document.createElement("a");
      link.href = a.url;
      link.className = "msg-file";
      if (a.kind === "image") {
        var img = document.createElement("img");
        img.src = a.url;
        img.alt = a.name;
        img.loading = "lazy";
        link.appendChild(img);
      } else {
        link.textContent = "📄 " + a.name;
      }
      bubble.appendChild(link);
    });
    var meta = document.createElement("p");
    meta.className = "msg-meta";
    var t = document.createElement("time");
    t.dateTime = m.created_at;
    t.textContent = time(m.created_at);
    meta.appendChild(t);
    if (m.edited_at && !m.deleted) {
      var ed = document.createElement("span");
      ed.textContent = " · " + i18n.edited;
      meta.appendChild(ed);
    }
    var seen = document.createElement("span");
    seen.className = "msg-seen";
    seen.hidden = true;
    seen.textContent = " · " + i18n.seen;
    meta.appendChild(seen);
    bubble.appendChild(meta);
    if (!m.deleted) bubble.appendChild(actions(m, mine));
    el.appendChild(bubble);
    return el;
  }

  function actions(m, mine) {
    var bar = document.createElement("div");
    bar.className = "msg-actions";
    function button(label, handler) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "link-button";
      b.textContent = label;
      b.addEventListener("click", handler);
      bar.appendChild(b);
    }
    if (mine) {
      var age = (Date.now() - new Date(m.created_at).getTime()) / 1000;
      if (age < data.edit_window_seconds && m.body) button(i18n.edit, function () { startEdit(m); });
      button(i18n.delete, function () {
        if (window.confirm(i18n.confirmDelete)) api("DELETE", data.urls.messages + m.id + "/");
      });
    } else {
      button(i18n.report, function () {
        $("report-message").value = m.id;
        $("report-dialog").showModal();
      });
    }
    return bar;
  }

  function startEdit(m) {
    var el = byId[m.id];
    var body = el.querySelector(".msg-body");
    var area = document.createElement("textarea");
    area.value = m.body;
    area.maxLength = 5000;
    area.className = "msg-edit";
    var save = document.createElement("button");
    save.type = "button"; save.className = "btn btn-primary btn-sm"; save.textContent = i18n.save;
    var cancel = document.createElement("button");
    cancel.type = "button"; cancel.className = "btn btn-ghost btn-sm"; cancel.textContent = i18n.cancel;
    body.textContent = "";
    body.appendChild(area); body.appendChild(save); body.appendChild(cancel);
    area.focus();
    cancel.addEventListener("click", function () { render(m, el); });
    save.addEventListener("click", function () {
      api("PATCH", data.urls.messages + m.id + "/", { body: area.value });
    });
  }

  function api(method, url, payload) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: payload ? JSON.stringify(payload) : undefined
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw body;
        if (body && body.id) upsert(body);
        return body;
      });
    }).catch(function (err) { showError(err); });
  }

  function showError(err) {
    var detail = err && err.errors && err.errors[0] ? err.errors[0].detail : String(err && err.message || err);
    errorLine.textContent = detail;
    errorLine.hidden = false;
    window.setTimeout(function () { errorLine.hidden = true; }, 6000);
  }

  /* Put a message in its place (by id), replacing its pending copy (by client_id). */
  function upsert(m) {
    if (m.conversation !== current) return;
    var stick = nearBottom() || m.sender.id === me.id;
    var el = byId[m.id];
    var waiting = m.sender.id === me.id ? pending[m.client_id] : null;
    if (!el && waiting) {
      el = waiting.element;
      delete pending[m.client_id];
    }
    el = render(m, el);
    byId[m.id] = el;
    if (!el.parentNode || waiting) {
      // Keep the list in id order whatever order frames and catch-up arrive in.
      var next = null;
      var children = list.children;
      for (var i = 0; i < children.length; i++) {
        var cid = parseInt(children[i].getAttribute("data-id"), 10);
        if (cid && cid > m.id) { next = children[i]; break; }
      }
      if (!next || el.parentNode !== list || el.nextSibling !== next) list.insertBefore(el, next);
    }
    if (m.id > lastId) lastId = m.id;
    if (firstId === null || m.id < firstId) firstId = m.id;
    updateSeen();
    if (stick) toBottom();
    markRead();
  }

  function updateSeen() {
    var mark = 0;
    Object.keys(readMarks).forEach(function (uid) {
      if (parseInt(uid, 10) !== me.id && readMarks[uid] > mark) mark = readMarks[uid];
    });
    var last = null;
    Object.keys(byId).forEach(function (id) {
      var n = parseInt(id, 10);
      var el = byId[id];
      el.querySelector(".msg-seen").hidden = true;
      if (el.classList.contains("msg-mine") && n <= mark && (!last || n > last.n)) last = { n: n, el: el };
    });
    if (last) last.el.querySelector(".msg-seen").hidden = false;
  }

  function markRead() {
    if (document.visibilityState !== "visible" || lastId <= lastReadSent) return;
    var newestOther = 0;
    Object.keys(byId).forEach(function (id) {
      if (!byId[id].classList.contains("msg-mine")) newestOther = Math.max(newestOther, parseInt(id, 10));
    });
    if (!newestOther || newestOther <= lastReadSent) return;
    if (rt.send({ type: "read", conversation: current, message: newestOther })) {
      lastReadSent = newestOther;
      var item = listItem(current);
      var badge = item && item.querySelector("[data-unread]");
      if (badge) { badge.hidden = true; badge.textContent = "0"; item.classList.remove("is-unread"); }
    }
  }
  document.addEventListener("visibilitychange", markRead);

  /* ---- Sending ---------------------------------------------------------------------- */

  function pendingElement(clientId, body) {
    var el = document.createElement("li");
    el.className = "msg msg-mine msg-pending";
    el.setAttribute("data-client-id", clientId);
    var bubble = document.createElement("div");
    bubble.className = "msg-bubble";
    var text = document.createElement("div");
    text.className = "msg-body msg-plain";
    text.textContent = body;
    var meta = document.createElement("p");
    meta.className = "msg-meta";
    meta.textContent = i18n.sending;
    bubble.appendChild(text); bubble.appendChild(meta);
    el.appendChild(bubble);
    list.appendChild(el);
    toBottom();
    return el;
  }

  function deliver(clientId) {
    var item = pending[clientId];
    if (!item) return;
    item.element.classList.remove("msg-failed");
    item.element.querySelector(".msg-meta").textContent = i18n.sending;
    if (!item.files.length && rt.send({ type: "message.send", conversation: current, body: item.body, client_id: clientId })) {
      // The ack (or message.new) replaces it; if the socket dies first, the retry below
      // sends it again over HTTP with the same client_id, which stores nothing twice.
      window.setTimeout(function () { if (pending[clientId]) postMessage(clientId); }, 8000);
      return;
    }
    postMessage(clientId);
  }

  function postMessage(clientId) {
    var item = pending[clientId];
    if (!item) return;
    var formData = new FormData();
    formData.append("body", item.body);
    formData.append("client_id", clientId);
    item.files.forEach(function (f) { formData.append("attachments", f); });
    fetch(data.urls.messages, {
      method: "POST", credentials: "same-origin", body: formData,
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" }
    }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) throw body; upsert(body); });
    }).catch(function (err) {
      if (!pending[clientId]) return;
      var el = pending[clientId].element;
      el.classList.add("msg-failed");
      el.querySelector(".msg-meta").textContent = i18n.failed;
      el.onclick = function () { el.onclick = null; deliver(clientId); };
      if (err && err.errors) showError(err);
    });
  }

  function submit() {
    var body = input.value.trim();
    var chosen = Array.prototype.slice.call(files.files || []);
    if (!body && !chosen.length) return;
    var clientId = uuid();
    pending[clientId] = { element: pendingElement(clientId, body), body: body, files: chosen };
    input.value = "";
    files.value = "";
    fileList.hidden = true;
    autosize();
    deliver(clientId);
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  function autosize() {
    input.rows = Math.min(8, Math.max(1, input.value.split("\n").length));
  }
  var lastTyping = 0;
  input.addEventListener("input", function () {
    autosize();
    var now = Date.now();
    if (input.value && now - lastTyping > 3000) {
      lastTyping = now;
      rt.send({ type: "typing", conversation: current });
    }
  });
  files.addEventListener("change", function () {
    var names = Array.prototype.map.call(files.files, function (f) { return f.name; });
    fileList.textContent = names.length ? fmt(i18n.files, { names: names.join(", ") }) : "";
    fileList.hidden = !names.length;
  });

  /* ---- Frames from the server ------------------------------------------------------- */

  var typingTimer = null;
  rt.on(function (frame) {
    switch (frame.type) {
      case "message.ack":
      case "message.new":
      case "message.updated":
        upsert(frame.message);
        break;
      case "typing":
        if (frame.conversation !== current || frame.user === me.id) return;
        typingLine.textContent = fmt(i18n.typing, { name: frame.name });
        typingLine.hidden = false;
        window.clearTimeout(typingTimer);
        typingTimer = window.setTimeout(function () { typingLine.hidden = true; }, 4000);
        break;
      case "read":
        // "Seen" means the other side saw it, not a colleague in the same inbox.
        if (frame.conversation !== current || frame.side === data.conversation.side) return;
        readMarks[String(frame.user)] = Math.max(readMarks[String(frame.user)] || 0, frame.message);
        updateSeen();
        break;
      case "presence":
        showPresence(frame.user, frame);
        break;
      case "error":
        showError({ errors: [frame] });
        break;
    }
  });

  /* Catch up from the database after a reconnect: nothing lost, nothing twice.
     Pages of ?after=<last id> from where this page was, and also the newest page: ids are
     given at insert and commits can finish out of order, so a message committed a moment
     late may carry an id just below one already shown. upsert() drops what is known. */
  function getPage(query) {
    return fetch(data.urls.messages + query, {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; });
  }

  function pagesAfter(cursor) {
    return getPage("?after=" + cursor + "&limit=200").then(function (page) {
      if (!page) return;
      page.results.forEach(upsert);
      if (page.has_more && page.results.length) {
        return pagesAfter(page.results[page.results.length - 1].id);
      }
    });
  }

  function catchUp() {
    var from = lastId;
    getPage("?limit=50").then(function (page) {
      if (page) page.results.forEach(upsert);
      return pagesAfter(from);
    }).then(function () {
      Object.keys(pending).forEach(deliver);
    }).catch(function () { /* the next reconnect tries again */ });
  }

  rt.onState(function (state, reconnected) {
    status.hidden = state === "open";
    if (state === "open") markRead();
    if (reconnected) catchUp();
  });

  olderButton.addEventListener("click", function () {
    fetch(data.urls.messages + "?before=" + firstId, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (page) {
        var height = scroller.scrollHeight;
        page.results.forEach(upsert);
        olderButton.hidden = !page.has_more;
        scroller.scrollTop = scroller.scrollHeight - height;
      });
  });

  var presenceEl = $("presence");
  function showPresence(userId, p) {
    if (!presenceEl || String(userId) !== presenceEl.getAttribute("data-user") || !p) return;
    presenceEl.className = "presence" + (p.online ? " is-online" : "");
    presenceEl.textContent = p.online ? i18n.online :
      (p.last_seen ? fmt(i18n.lastSeen, { time: new Date(p.last_seen).toLocaleString(document.documentElement.lang || undefined, { dateStyle: "short", timeStyle: "short" }) }) : "");
  }
  if (presenceEl) showPresence(presenceEl.getAttribute("data-user"), data.presence);

  var cancel = $("report-cancel");
  if (cancel) cancel.addEventListener("click", function () { $("report-dialog").close(); });

  data.messages.forEach(upsert);
  olderButton.hidden = !data.has_more;
  toBottom();
  input.focus();
})();
