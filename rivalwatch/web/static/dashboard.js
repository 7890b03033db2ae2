// RivalWatch dashboard: small progressive enhancements, no framework, no inline script.
// The analyst token lives in sessionStorage (this tab only) and travels only in an
// Authorization header; it never goes into a URL. Text from the server is only ever
// set with textContent, never as HTML.
(function () {
  "use strict";
  var KEY = "rivalwatch-token";

  function token() { try { return sessionStorage.getItem(KEY) || ""; } catch (e) { return ""; } }
  function setToken(value) { try { if (value) { sessionStorage.setItem(KEY, value); } else { sessionStorage.removeItem(KEY); } } catch (e) { /* storage off */ } }

  // --- login / logout: the login form also keeps the token for curation calls ----------
  document.querySelectorAll("form[data-login]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var field = form.querySelector("input[name=token]");
      if (field) { setToken(field.value.trim()); }
    });
  });
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function () { setToken(""); });
  });

  // --- forms that reload on change (year slider, map filters) -----------------------------
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("input[type=range]").forEach(function (range) {
      var out = form.querySelector("output[for='" + range.id + "']");
      range.addEventListener("input", function () { if (out) { out.textContent = range.value; } });
      range.addEventListener("change", function () { form.submit(); });
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  });

  // --- document page: a sentence and its relations light up together ----------------------
  function light(n, on) {
    document.querySelectorAll("mark.evidence[data-sentence='" + n + "']").forEach(function (m) { m.classList.toggle("active", on); });
    var item = document.getElementById("s" + n);
    if (item) { item.classList.toggle("active", on); }
  }
  document.querySelectorAll("[data-sentence]").forEach(function (el) {
    var n = el.getAttribute("data-sentence");
    el.addEventListener("mouseenter", function () { light(n, true); });
    el.addEventListener("mouseleave", function () { light(n, false); });
  });

  // --- curation ---------------------------------------------------------------------------
  var body = document.body;
  var urlTemplate = body.getAttribute("data-curation-url");
  var box = document.getElementById("token-box");
  var pending = null;

  function askToken(then) {
    pending = then;
    if (box) { box.classList.add("shown"); var f = box.querySelector("input"); if (f) { f.focus(); } }
  }
  if (box) {
    box.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      var field = box.querySelector("input");
      setToken(field.value.trim());
      field.value = "";
      box.classList.remove("shown");
      if (pending) { var next = pending; pending = null; next(); }
    });
  }

  function status(control, text, isError) {
    var s = control.querySelector(".status");
    if (s) { s.textContent = text; s.classList.toggle("error", !!isError); }
  }

  function send(control, action) {
    var id = control.getAttribute("data-relation");
    if (!urlTemplate || !id) { return; }
    if (!token()) { askToken(function () { send(control, action); }); return; }
    var payload = {};
    var fingerprint = control.getAttribute("data-fingerprint");
    if (fingerprint) { payload.fingerprint = fingerprint; }   // refused (409) if the id now names another relation
    if (action === "correct") {
      control.querySelectorAll(".correct-fields [name]").forEach(function (f) {
        if (f.type === "checkbox") { if (f.checked) { payload[f.name] = true; } }
        else if (f.value && f.value !== f.getAttribute("data-current")) { payload[f.name] = f.value; }
      });
      if (Object.keys(payload).length === (fingerprint ? 1 : 0)) { status(control, "nothing changed", true); return; }
    }
    status(control, "saving\u2026", false);
    fetch(urlTemplate.replace("{id}", encodeURIComponent(id)).replace("{action}", encodeURIComponent(action)), {
      method: "POST",
      headers: { "Authorization": "Bearer " + token(), "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(payload),
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        setToken("");
        status(control, response.status === 403 ? "this token may not curate (analyst role needed)" : "token not accepted", true);
        return;
      }
      if (response.status === 409) {
        status(control, "this relation changed since the page was loaded: reload and try again", true);
        return;
      }
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          var detail = data && data.error && data.error.message;
          status(control, "failed: " + (typeof detail === "string" ? detail : response.status), true);
        });
      }
      var row = control.closest("[data-row]");
      if (action === "reject") {
        if (row) { row.classList.add("rejected"); }
        status(control, "rejected \u2014 hidden after reload", false);
      } else if (action === "confirm") {
        status(control, "confirmed", false);
      } else {
        control.classList.remove("correcting");
        status(control, "corrected \u2014 reload to see it", false);
      }
    }).catch(function () { status(control, "network error", true); });
  }

  document.querySelectorAll(".curate[data-relation]").forEach(function (control) {
    control.querySelectorAll("button[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.getAttribute("data-action");
        if (action === "edit") { control.classList.toggle("correcting"); return; }
        send(control, action);
      });
    });
  });
})();
