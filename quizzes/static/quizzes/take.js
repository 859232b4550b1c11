// Taking a quiz: one question at a time, every answer saved as soon as it is given.
// A save is acknowledged only after the server committed it; until then the question
// shows "正在保存…" and unsent answers are kept in localStorage, so a reload or a lost
// connection does not lose them. Nothing here knows the correct answers.
(function () {
  "use strict";
  var root = document.getElementById("lb-attempt");
  if (!root || !window.fetch) return;
  var saveUrl = root.dataset.saveUrl, eventUrl = root.dataset.eventUrl;
  var checkUrl = root.dataset.checkUrl, token = root.dataset.csrfToken;
  var storeKey = "lianbing-attempt-" + root.dataset.attempt;
  var text = document.getElementById("lb-messages").dataset;
  var sections = Array.prototype.slice.call(root.querySelectorAll(".lb-q"));
  var current = 0, counter = 0, ended = false;
  var inFlight = {}, queued = {};

  function pending() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function keep(position, entry) {
    var all = pending();
    if (entry) all[position] = entry; else delete all[position];
    try { localStorage.setItem(storeKey, JSON.stringify(all)); } catch (e) { /* private mode */ }
  }
  function nextSeq() { counter = (counter + 1) % 1000; return Date.now() * 1000 + counter; }

  function readSimple(box, kind) {
    if (kind === "single") {
      var radio = box.querySelector("input[type=radio]:checked");
      return radio ? parseInt(radio.value, 10) : null;
    }
    if (kind === "multiple") {
      var picked = Array.prototype.map.call(
        box.querySelectorAll("input[type=checkbox]:checked"), function (i) { return parseInt(i.value, 10); });
      return picked.length ? picked : null;
    }
    if (kind === "truefalse") {
      var tf = box.querySelector("input[type=radio]:checked");
      return tf ? tf.value === "true" : null;
    }
    if (kind === "fill") {
      var blanks = Array.prototype.map.call(box.querySelectorAll(".lb-blank"), function (i) { return i.value; });
      return blanks.some(function (v) { return v.trim(); }) ? blanks : null;
    }
    if (kind === "short") {
      var area = box.querySelector(".lb-text");
      return area && area.value.trim() ? area.value : null;
    }
    return null;
  }
  function read(section) {
    var kind = section.dataset.kind;
    if (kind !== "case") return readSimple(section, kind);
    var parts = Array.prototype.map.call(section.querySelectorAll(".lb-part"), function (p) {
      return readSimple(p, p.dataset.kind);
    });
    return parts.some(function (r) { return r !== null; }) ? parts : null;
  }

  function setState(section, cls, message) {
    var el = section.querySelector(".lb-q-state");
    el.className = "lb-q-state small mt-2 " + cls;
    el.textContent = message;
  }
  function setGlobal(message) { root.querySelector(".lb-save-state").textContent = message; }
  function markNavigator(position, answered) {
    var button = root.querySelector('[data-go="' + position + '"]');
    if (!button) return;
    button.classList.toggle("btn-success", answered);
    button.classList.toggle("btn-outline-secondary", !answered);
  }
  function countAnswered() {
    var n = root.querySelectorAll(".lb-navigator .btn-success").length;
    root.querySelector("[data-testid=answered]").textContent = n;
    return n;
  }

  function send(position) {
    if (inFlight[position] || ended) return;
    var entry = queued[position];
    if (!entry) return;
    delete queued[position];
    inFlight[position] = entry;
    var section = document.getElementById("q" + position);
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ position: position, response: entry.response, seq: entry.seq }),
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    }).then(function (result) {
      delete inFlight[position];
      if (result.status === 200 && result.body.ok) {
        var stored = pending()[position];
        if (stored && stored.seq <= entry.seq) keep(position, null);
        if (result.body.seq > entry.seq && !queued[position]) {
          // A newer answer (from another tab or device) stands: show it here too.
          apply(section, result.body.response);
          entry = { response: result.body.response, seq: result.body.seq };
        }
        if (!queued[position]) {
          setState(section, "text-success", text.savedAt.replace("%(time)s", result.body.saved_at));
          setGlobal(text.savedAt.replace("%(time)s", result.body.saved_at));
        }
        markNavigator(position, entry.response !== null);
        countAnswered();
      } else {
        keep(position, null);
        setState(section, "text-danger", text.refused + (result.body.message || ""));
        if (result.body.code === "time_up" || result.body.code === "ended") finish();
      }
      send(position);
    }).catch(function () {
      delete inFlight[position];
      if (!queued[position]) queued[position] = entry;
      setState(section, "text-warning", text.unsaved);
      setGlobal(text.unsaved);
      setTimeout(function () { send(position); }, 2000);
    });
  }

  function answerChanged(section) {
    var position = parseInt(section.dataset.position, 10);
    var entry = { response: read(section), seq: nextSeq() };
    queued[position] = entry;
    keep(position, entry);
    setState(section, "text-muted", text.saving);
    send(position);
  }

  var typing = {};
  root.addEventListener("change", function (e) {
    var section = e.target.closest(".lb-q");
    if (section) answerChanged(section);
  });
  root.addEventListener("input", function (e) {
    var section = e.target.closest(".lb-q");
    if (!section || !/lb-(blank|text)/.test(e.target.className)) return;
    clearTimeout(typing[section.id]);
    typing[section.id] = setTimeout(function () { answerChanged(section); }, 700);
  });

  function show(index) {
    current = Math.max(0, Math.min(sections.length - 1, index));
    sections.forEach(function (s, i) { s.hidden = i !== current; });
    root.querySelectorAll(".lb-navigator [data-go]").forEach(function (b, i) {
      b.classList.toggle("active", i === current);
    });
    root.querySelector(".lb-prev").disabled = current === 0;
    root.querySelector(".lb-next").disabled = current === sections.length - 1;
  }
  root.querySelector(".lb-prev").addEventListener("click", function () { show(current - 1); });
  root.querySelector(".lb-next").addEventListener("click", function () { show(current + 1); });
  root.querySelector(".lb-navigator").addEventListener("click", function (e) {
    var go = e.target.closest("[data-go]");
    if (go) { show(sections.indexOf(document.getElementById("q" + go.dataset.go))); window.scrollTo(0, 0); }
  });

  // Practice: instant feedback once the answer is stored.
  root.addEventListener("click", function (e) {
    var button = e.target.closest(".lb-check");
    if (!button) return;
    var section = button.closest(".lb-q");
    var position = section.dataset.position;
    button.disabled = true;
    (function waitSaved(tries) {
      if ((inFlight[position] || queued[position]) && tries < 50) {
        setTimeout(function () { waitSaved(tries + 1); }, 100);
        return;
      }
      fetch(checkUrl.replace(/0\/$/, position + "/"), {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token },
      }).then(function (r) { return r.text(); }).then(function (html) {
        section.querySelector(".lb-feedback").innerHTML = html;
        section.querySelectorAll("input, textarea").forEach(function (i) { i.disabled = true; });
      }).catch(function () { button.disabled = false; });
    })(0);
  });

  // Hand in: confirm, then wait for outstanding saves so the last answer is included.
  var submitForm = document.getElementById("lb-submit");
  submitForm.addEventListener("submit", function (e) {
    if (ended) return;
    e.preventDefault();
    var button = submitForm.querySelector("button");
    var unanswered = sections.length - countAnswered();
    var question = unanswered > 0 ? button.dataset.confirmUnanswered.replace("%(n)s", unanswered)
                                   : button.dataset.confirm;
    if (!window.confirm(question)) return;
    finish();
  });
  function finish() {
    if (ended) return;
    (function waitSaves(tries) {
      if (Object.keys(inFlight).length && tries < 50) {
        setTimeout(function () { waitSaves(tries + 1); }, 100);
        return;
      }
      ended = true;
      submitForm.submit();
    })(0);
  }

  // The countdown shows the server's deadline; the server refuses late answers anyway.
  var remaining = root.dataset.remaining;
  if (remaining !== undefined) {
    var deadline = Date.now() + parseInt(remaining, 10) * 1000;
    var timer = root.querySelector(".lb-timer");
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      timer.textContent = (h ? h + ":" : "") + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
      timer.classList.toggle("text-bg-danger", left <= 300);
      if (left <= 0) { setGlobal(text.timeUp); finish(); return; }
      setTimeout(tick, 1000);
    };
    tick();
  }

  // Integrity: leaving the page is recorded for the proctor. Nothing else happens.
  var leftAt = null;
  function report(kind, away) {
    fetch(eventUrl, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ kind: kind, away_seconds: away || 0 }),
    }).catch(function () {});
  }
  if (root.dataset.practice !== "1") {
    document.addEventListener("visibilitychange", function () {
      if (ended) return;
      if (document.visibilityState === "hidden") { leftAt = Date.now(); report("hidden", 0); }
      else if (leftAt) { report("returned", Math.round((Date.now() - leftAt) / 1000)); leftAt = null; }
    });
    window.addEventListener("blur", function () {
      if (!ended && document.visibilityState === "visible") report("blur", 0);
    });
  }

  // Puts an answer back into the inputs (one that was given but not yet acknowledged).
  function applySimple(box, kind, response) {
    if (kind === "single" || kind === "multiple" || kind === "truefalse") {
      var wanted = [].concat(response === null ? [] : response).map(String);
      box.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
        input.checked = wanted.indexOf(input.value) >= 0;
      });
    } else if (kind === "fill") {
      box.querySelectorAll(".lb-blank").forEach(function (input, i) {
        input.value = response && response[i] !== undefined ? response[i] : "";
      });
    } else if (kind === "short") {
      var area = box.querySelector(".lb-text");
      if (area) area.value = response || "";
    }
  }
  function apply(section, response) {
    if (section.dataset.kind !== "case") { applySimple(section, section.dataset.kind, response); return; }
    section.querySelectorAll(".lb-part").forEach(function (part, i) {
      applySimple(part, part.dataset.kind, response ? response[i] : null);
    });
  }

  // An answer given before this script ran (a quick tap while a slow phone was still
  // loading) fired no event: an input that no longer shows what the server rendered was
  // changed by the officer, so it is saved now, and wins over an older unsent answer.
  function changedBeforeStart(section) {
    return Array.prototype.some.call(section.querySelectorAll("input, textarea"), function (input) {
      return input.type === "radio" || input.type === "checkbox"
        ? input.checked !== input.defaultChecked : input.value !== input.defaultValue;
    });
  }
  // Answers given but never acknowledged (a reload while offline) are shown and sent again;
  // the server keeps whichever answer is newer.
  var unsent = pending();
  sections.forEach(function (section) {
    if (!changedBeforeStart(section)) return;
    delete unsent[section.dataset.position];
    answerChanged(section);
  });
  Object.keys(unsent).forEach(function (position) {
    var section = document.getElementById("q" + position);
    if (!section) return;
    apply(section, unsent[position].response);
    setState(section, "text-muted", text.saving);
    queued[position] = unsent[position];
    send(parseInt(position, 10));
  });
  var hash = /^#q(\d+)$/.exec(window.location.hash);
  show(hash ? sections.indexOf(document.getElementById("q" + hash[1])) : 0);
})();
