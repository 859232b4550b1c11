// Lesson heartbeat: tells the server every 30 s that the page is open and visible.
// The server measures the time itself (capped per beat); nothing here reports a duration.
(function () {
  "use strict";
  var root = document.querySelector("[data-heartbeat-url]");
  if (!root || !window.fetch) return;
  var url = root.getAttribute("data-heartbeat-url");
  var token = root.getAttribute("data-csrf-token");
  var INTERVAL_MS = 30000;

  function beat(options) {
    var body = new URLSearchParams();
    if (options.resume) body.set("resume", "1");
    fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": token },
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
})();
