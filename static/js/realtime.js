/* UCS real-time: one WebSocket per page to /ws/messaging/, shared by the chat, and the
   unread badge in the navigation. Reconnects by itself with exponential backoff and jitter. */
(function () {
  "use strict";

  var script = document.getElementById("ucs-realtime");
  var listeners = [];
  var stateListeners = [];
  var socket = null;
  var attempt = 0;
  var pingTimer = null;
  var state = "connecting";
  var hadConnection = false;
  var FINAL_CODES = { 4401: true, 4403: true };

  function setState(next) {
    var reconnected = next === "open" && hadConnection;
    state = next;
    if (next === "open") hadConnection = true;
    stateListeners.forEach(function (fn) { fn(next, reconnected); });
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/messaging/");
    socket.addEventListener("open", function () {
      attempt = 0;
      setState("open");
      pingTimer = window.setInterval(function () { send({ type: "ping" }); }, 25000);
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      listeners.forEach(function (fn) { fn(frame); });
    });
    socket.addEventListener("close", function (event) {
      window.clearInterval(pingTimer);
      if (FINAL_CODES[event.code]) { setState("closed"); return; }
      setState("reconnecting");
      var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.6 + Math.random() * 0.4);
      attempt += 1;
      window.setTimeout(connect, delay);
    });
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  window.UCSRealtime = {
    send: send,
    on: function (fn) { listeners.push(fn); },
    onState: function (fn) { stateListeners.push(fn); fn(state, false); },
    get state() { return state; },
    refreshUnread: null
  };

  /* The badge: the server is the source of truth; it is asked again (debounced) when
     something that changes the count happens on any of this person's sockets. */
  var badge = document.getElementById("nav-unread");
  var unreadUrl = script ? script.getAttribute("data-unread-url") : null;
  var refreshTimer = null;

  function refreshUnread() {
    if (!badge || !unreadUrl) return;
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(function () {
      fetch(unreadUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          badge.textContent = data.total > 99 ? "99+" : String(data.total);
          badge.hidden = data.total === 0;
          document.dispatchEvent(new CustomEvent("ucs:unread", { detail: data }));
        })
        .catch(function () { /* offline: the next event or reconnect refreshes it */ });
    }, 250);
  }
  window.UCSRealtime.refreshUnread = refreshUnread;

  window.UCSRealtime.on(function (frame) {
    if (frame.type === "message.new" || frame.type === "message.updated" ||
        frame.type === "unread.changed" || frame.type === "read") {
      refreshUnread();
    }
  });
  window.UCSRealtime.onState(function (next, reconnected) {
    if (reconnected) refreshUnread();
  });

  refreshUnread();
  connect();
})();
