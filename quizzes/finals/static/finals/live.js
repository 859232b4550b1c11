/* Live final: one WebSocket per page, receive-only; every action is an HTTP POST.
 * The server sends the whole public snapshot on connect and after every change, so a page
 * that reconnects (phone asleep, Wi-Fi dropped) shows the present state at once. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root) return;
  var role = root.dataset.role;
  var snapshot = JSON.parse(document.getElementById("final-snapshot").textContent);
  var offset = 0; // server clock minus this device's clock, in ms
  var socket = null;
  var retryDelay = 500;

  function text(el, value) { if (el) el.textContent = value == null ? "" : value; }
  function $(sel, scope) { return (scope || document).querySelector(sel); }
  function $all(sel, scope) { return Array.prototype.slice.call((scope || document).querySelectorAll(sel)); }
  function teamName(id) {
    var t = snapshot.teams.filter(function (x) { return x.id === id; })[0];
    return t ? t.name : "";
  }

  function setStatus(connected) {
    $all("[data-live-status]").forEach(function (el) {
      el.textContent = connected ? "已连接" : "重新连接中…";
      el.className = "badge " + (connected ? "text-bg-success" : "text-bg-warning");
      el.dataset.connected = connected ? "1" : "0";
    });
  }

  function accept(next) {
    if (next.version < snapshot.version) return; // an older broadcast arriving late
    offset = Date.parse(next.server_time) - Date.now();
    var changed = next.version !== snapshot.version;
    snapshot = next;
    render(changed);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.ws);
    socket.onopen = function () { retryDelay = 500; setStatus(true); };
    socket.onmessage = function (event) { accept(JSON.parse(event.data)); };
    socket.onclose = function () {
      setStatus(false);
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 5000);
    };
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && socket && socket.readyState === 1) {
      socket.send(JSON.stringify({ type: "refresh" }));
    }
  });

  function tickTimers() {
    var ends = snapshot.timer_ends_at ? Date.parse(snapshot.timer_ends_at) : null;
    $all("[data-timer]").forEach(function (el) {
      if (!ends) { el.textContent = ""; el.classList.remove("lb-timer-low"); return; }
      var left = Math.max(0, Math.ceil((ends - (Date.now() + offset)) / 1000));
      el.textContent = left + " 秒";
      el.classList.toggle("lb-timer-low", left <= 5);
    });
  }
  setInterval(tickTimers, 250);

  function renderScores(container) {
    if (!container) return;
    var teams = snapshot.teams.slice().sort(function (a, b) { return a.rank - b.rank || a.id - b.id; });
    var top = Math.max.apply(null, teams.map(function (t) { return t.score; }).concat([1]));
    container.innerHTML = "";
    teams.forEach(function (t) {
      var row = document.createElement("div");
      row.className = "lb-score-row" + (t.id === snapshot.answering_team ? " lb-answering" : "");
      row.dataset.teamId = t.id;
      row.innerHTML = '<span class="lb-rank"></span><span class="lb-name"></span>' +
        '<span class="lb-bar"><span></span></span><span class="lb-score" data-testid="score"></span>';
      text($(".lb-rank", row), t.rank);
      text($(".lb-name", row), t.name);
      text($(".lb-score", row), t.score);
      $(".lb-bar span", row).style.width = Math.max(2, Math.round(100 * Math.max(t.score, 0) / top)) + "%";
      container.appendChild(row);
    });
  }

  function renderQuestion(scope) {
    var q = snapshot.question;
    var box = $("[data-question]", scope);
    if (!box) return;
    box.hidden = !q;
    if (!q) return;
    text($("[data-stem]", box), q.stem);
    var list = $("[data-options]", box);
    list.innerHTML = "";
    (q.options || []).forEach(function (option, i) {
      var li = document.createElement("li");
      li.textContent = String.fromCharCode(65 + i) + ". " + option;
      list.appendChild(li);
    });
    var answer = $("[data-answer]", box);
    if (answer) {
      answer.hidden = !q.answer;
      text($("[data-answer-text]", answer), q.answer);
      text($("[data-explanation]", answer), q.explanation);
    }
  }

  function phaseMessage(myTeam) {
    var p = snapshot.phase, r = snapshot.round;
    if (snapshot.finished) return "比赛结束";
    if (!r) return "等待比赛开始";
    var buzzRound = r.kind === "buzzer" || r.kind === "tiebreak";
    if (p === "idle") {
      if (r.kind === "risk" && snapshot.next_turn) {
        return snapshot.next_turn === myTeam ? "轮到本队选择风险分值" : "等待 " + teamName(snapshot.next_turn) + " 选择风险分值";
      }
      return "等待主持人出题";
    }
    if (p === "shown") return buzzRound ? "请听题，抢答尚未开放（提前抢答扣分）" : "请听题";
    if (p === "buzzing") return "抢答开始！";
    if (p === "answering") {
      return snapshot.answering_team === myTeam ? "请本队作答" : teamName(snapshot.answering_team) + " 作答中";
    }
    if (p === "void") return teamName(snapshot.last_result && snapshot.last_result.team) + " 提前抢答犯规，本题作废";
    if (p === "judged" && snapshot.last_result) {
      return teamName(snapshot.last_result.team) + (snapshot.last_result.correct ? " 答对 " : " 答错 ") + snapshot.last_result.delta;
    }
    if (p === "closed") return "无人作答，已公布答案";
    return "";
  }

  function renderBuzzOrder(scope) {
    var el = $("[data-buzz-order]", scope);
    if (!el) return;
    el.innerHTML = "";
    snapshot.buzz_order.forEach(function (id, i) {
      var b = document.createElement("span");
      b.className = "badge text-bg-light border me-1";
      b.textContent = (i + 1) + ". " + teamName(id);
      el.appendChild(b);
    });
  }

  function renderTeam() {
    var myTeam = Number(root.dataset.team);
    text($("[data-round]"), snapshot.round ? snapshot.round.title : "");
    text($("[data-message]"), phaseMessage(myTeam));
    renderQuestion(root);
    renderScores($("[data-scores]"));
    renderBuzzOrder(root);
    var r = snapshot.round;
    var buzzRound = r && (r.kind === "buzzer" || r.kind === "tiebreak");
    var contender = !snapshot.contenders.length || snapshot.contenders.indexOf(myTeam) >= 0;
    var open = buzzRound && contender && (snapshot.phase === "shown" || snapshot.phase === "buzzing" || snapshot.phase === "answering") &&
      snapshot.buzz_order.indexOf(myTeam) < 0 && !snapshot.finished;
    var buzz = $("[data-buzz]");
    buzz.hidden = !buzzRound;
    buzz.disabled = !open;
    buzz.classList.toggle("lb-buzz-live", snapshot.phase === "buzzing");
    var position = snapshot.buzz_order.indexOf(myTeam);
    text($("[data-buzz-result]"), position >= 0 ? "本队第 " + (position + 1) + " 个抢答" : "");
    var picks = $("[data-risk]");
    var myTurn = r && r.kind === "risk" && snapshot.phase !== "shown" && snapshot.phase !== "answering" &&
      snapshot.next_turn === myTeam && !snapshot.risk_picks[String(myTeam)];
    picks.hidden = !myTurn;
    if (myTurn) {
      picks.querySelector("[data-risk-buttons]").innerHTML = "";
      snapshot.risk_values.forEach(function (value) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "btn btn-warning btn-lg flex-fill";
        b.textContent = value + " 分";
        b.dataset.value = value;
        b.addEventListener("click", function () { post({ kind: "pick_risk", value: value }); });
        picks.querySelector("[data-risk-buttons]").appendChild(b);
      });
    }
    var mine = snapshot.risk_picks[String(myTeam)];
    text($("[data-risk-picked]"), mine ? "本队风险分值：" + mine : "");
  }

  function renderScreen() {
    text($("[data-round]"), snapshot.round ? snapshot.round.title : snapshot.title);
    text($("[data-message]"), phaseMessage(null));
    renderQuestion(root);
    renderScores($("[data-scores]"));
    renderBuzzOrder(root);
    root.classList.toggle("lb-finished", !!snapshot.finished);
  }

  function refreshHostPanel() {
    var panel = document.getElementById("host-panel");
    if (panel && Number(panel.dataset.version) !== snapshot.version && window.htmx) {
      window.htmx.ajax("GET", root.dataset.panelUrl, { target: "#host-panel", swap: "outerHTML" });
    }
  }

  function render(changed) {
    root.dataset.version = snapshot.version;
    if (role === "team") renderTeam();
    else if (role === "screen") renderScreen();
    else if (role === "host" && changed) refreshHostPanel();
    tickTimers();
  }

  function post(fields) {
    var body = new URLSearchParams(fields);
    var token = $("input[name=csrfmiddlewaretoken]").value;
    return fetch(root.dataset.actUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" }
    }).then(function (response) { return response.json(); }).then(function (reply) {
      var note = $("[data-feedback]");
      text(note, reply.ok ? "" : reply.message);
      if (note) note.hidden = reply.ok;
    }).catch(function () { text($("[data-feedback]"), "网络中断，请重试"); });
  }

  if (role === "host") {
    // The panel's buttons are off from a click until the panel of the new state replaces
    // them: a second click (or a double tap) would act on a state the host has not seen.
    // The server refuses such a click anyway (seen_version); this spares the host the error.
    function setPanelBusy(panel, busy) {
      panel.dataset.busy = busy ? "1" : "0";
      $all("button", panel).forEach(function (b) { b.disabled = busy; });
    }
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var panel = document.getElementById("host-panel");
      var config = event.detail.requestConfig || {};
      if (panel && config.verb === "post" && panel.contains(event.detail.elt)) setPanelBusy(panel, true);
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var panel = document.getElementById("host-panel");
      var xhr = event.detail.xhr;
      // A refused or failed request leaves the same panel in place: let the host try again.
      if (panel && panel.dataset.busy === "1" && (!xhr || (xhr.status !== 204 && xhr.status !== 200))) {
        setPanelBusy(panel, false);
      }
    });
    // A successful action answers 204 with the new version; the panel follows the broadcast,
    // or is fetched directly if the broadcast has not arrived shortly (socket down).
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      if (!xhr || xhr.status !== 204) return;
      var version = Number(xhr.getResponseHeader("X-Final-Version"));
      setTimeout(function () {
        var panel = document.getElementById("host-panel");
        if (panel && Number(panel.dataset.version) < version && window.htmx) {
          window.htmx.ajax("GET", root.dataset.panelUrl, { target: "#host-panel", swap: "outerHTML" });
        }
      }, socket && socket.readyState === 1 ? 1500 : 0);
    });
  }

  if (role === "team") {
    $("[data-buzz]").addEventListener("click", function () { post({ kind: "buzz" }); });
  }
  render(true);
  connect();
})();
