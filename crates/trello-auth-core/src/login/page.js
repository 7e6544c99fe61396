"use strict";
(function () {
  var main = document.querySelector("main");
  var mode = main.getAttribute("data-mode");
  var endpoint = location.pathname;
  var done = false;

  function show(state, message) {
    var sections = document.querySelectorAll("section[data-state]");
    for (var i = 0; i < sections.length; i++) {
      var s = sections[i];
      s.hidden = s.getAttribute("data-state") !== state;
      if (!s.hidden) {
        var detail = s.querySelector(".detail");
        if (detail && message) { detail.textContent = message; }
        document.title = s.querySelector("h1").textContent + " | trello-auth";
      }
    }
    main.setAttribute("data-current", state);
  }

  function deliver(payload) {
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      credentials: "omit",
      cache: "no-store"
    }).then(function (r) { return r.json(); }).then(function (answer) {
      if (answer.outcome === "ignored") { return false; }
      done = true;
      show(answer.outcome, answer.message);
      return true;
    }).catch(function () {
      done = true;
      show("error", "The program that asked for access is no longer listening. Go back to the terminal.");
      return true;
    });
  }

  if (mode === "fragment") {
    var hash = location.hash;
    // The token must not stay in the address bar or the history (SPEC S10).
    history.replaceState(null, "", location.pathname + location.search);
    deliver({ fragment: hash });
    return;
  }

  if (mode === "postMessage") {
    var authorize = main.getAttribute("data-authorize-url");
    var trusted = main.getAttribute("data-authorize-origin");
    var popup = null;
    var timer = null;
    window.addEventListener("message", function (event) {
      // Any page can post to this window: only the authorize origin's popup speaks for Trello (SPEC S1.3).
      if (done) { return; }
      if (event.origin !== trusted || (popup && event.source !== popup)) {
        // Counted, so that a test (or a curious user) can see what was ignored.
        var ignored = Number(main.getAttribute("data-ignored") || "0") + 1;
        main.setAttribute("data-ignored", String(ignored));
        return;
      }
      clearInterval(timer);
      var data = event.data === undefined ? null : event.data;
      deliver({ origin: event.origin, data: JSON.stringify(data) }).then(function (accepted) {
        if (!accepted) { watch(); }
      });
    });
    function watch() {
      clearInterval(timer);
      timer = setInterval(function () {
        if (done || !popup || !popup.closed) { return; }
        clearInterval(timer);
        // A message posted just before the popup closed is dispatched before this timeout.
        setTimeout(function () { if (!done) { deliver({ closed: true }); } }, 400);
      }, 250);
    }
    var buttons = document.querySelectorAll("button[data-action=open]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        popup = window.open(authorize, "trello-auth-authorize", "popup,width=560,height=760");
        if (!popup) { show("blocked"); return; }
        show("waiting");
        watch();
      });
    }
    show("ready");
  }
})();
