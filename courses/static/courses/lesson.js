// Lesson heartbeat: tells the server every 30 s that the page is open and visible.
// The server measures the time itself (capped per beat); nothing here reports a duration.
// The heartbeat URL comes with the officer's own panel (courses:lesson_panel), which htmx
// loads after the page: it is looked up at each beat, and there is none when not enrolled.
(function () {
  "use strict";
  if (!window.fetch) return;
  var INTERVAL_MS = 30000;

  function beat(options) {
    var root = document.querySelector("[data-heartbeat-url]");
    if (!root) return;
    var body = new URLSearchParams();
    if (options.resume) body.set("resume", "1");
    fetch(root.getAttribute("data-heartbeat-url"), {
      method: "POST",
      headers: { "X-CSRFToken": root.getAttribute("data-csrf-token") },
      body: body,
      credentials: "same-origin",
      // keepalive lets the last beat leave while the page is being hidden or closed;
      // sendBeacon cannot carry the CSRF header.
      keepalive: !!options.keepalive,
    }).catch(function () { /* offline for a moment: the next beat catches up (capped) */ });
  }

  setInterval(function () {
    if (document.visibilityState === "visible") beat({});
  }, INTERVAL_MS);

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      beat({ keepalive: true });
    } else {
      // Back on the page: restart the server's clock without crediting the time away.
      beat({ resume: true });
    }
  });

  // After saving a note without htmx the server sends the reader back to #note, which
  // only exists once the panel has arrived.
  document.addEventListener("htmx:afterSettle", function () {
    if (location.hash === "#note") {
      var note = document.getElementById("note");
      if (note && !note.dataset.shown) {
        note.dataset.shown = "1";
        note.scrollIntoView();
      }
    }
  });
})();
