// Venue screen: polls the server for the current sign-in code and the live count.
// The server makes the code; this only swaps the SVG when the window changes, so the
// projector never flickers, and it counts down locally between polls.
(function () {
  "use strict";
  var body = document.body;
  var stateUrl = body.getAttribute("data-state-url");
  if (!stateUrl || !window.fetch) return;
  var refreshMs = 1000 * parseInt(body.getAttribute("data-refresh-seconds") || "4", 10);
  var windowId = body.getAttribute("data-window");
  var secondsLeft = parseInt(body.getAttribute("data-countdown-from"), 10) || 0;
  var qr = document.querySelector("[data-qr]");
  var link = document.querySelector("[data-testid=sign-in-url]");
  var signedIn = document.querySelector("[data-signed-in]");
  var expected = document.querySelector("[data-expected]");
  var countdown = document.querySelector("span[data-seconds-left]");
  var stale = document.querySelector("[data-stale]");
  var busy = false;

  function show(state) {
    if (String(state.window) !== windowId) {
      windowId = String(state.window);
      qr.innerHTML = state.svg;
      link.href = state.url;
      link.textContent = state.url;
      body.setAttribute("data-sign-in-url", state.url);
      body.setAttribute("data-window", windowId);
    }
    signedIn.textContent = state.signed_in;
    expected.textContent = state.expected;
    secondsLeft = state.seconds_left;
    countdown.textContent = secondsLeft;
    body.classList.remove("lb-venue-stale");
    stale.classList.add("d-none");
  }

  function fail() {
    // Logged out or offline: an old code soon stops working, so say so on the screen.
    body.classList.add("lb-venue-stale");
    stale.classList.remove("d-none");
  }

  function refresh() {
    if (busy) return;
    busy = true;
    fetch(stateUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error(String(response.status));
        return response.json();
      })
      .then(show, fail)
      .then(function () { busy = false; });
  }

  setInterval(refresh, refreshMs);
  setInterval(function () {
    if (secondsLeft > 0) secondsLeft -= 1;
    countdown.textContent = secondsLeft;
    if (secondsLeft === 0) refresh();
  }, 1000);
})();
