/* koers: small conveniences on top of pages that work without JavaScript. ES5 only, for old
   phones. Live show/hide, slider thumbs on first touch, expandables, paradata, drafts, one submit. */
(function () {
  "use strict";
  var d = document;
  d.documentElement.className += " js";
  var form = d.querySelector(".k-form");
  if (!form) { return; }
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  var pd = {};

  function note(name) {
    if (!name || name.indexOf("__") === 0) { return; }
    var key = name.replace(/__(touched|other|h|m)$/, "");
    var now = Date.now ? Date.now() : new Date().getTime();
    var p = pd[key] || (pd[key] = { first: now, changes: 0 });
    p.last = now;
    p.changes += 1;
  }

  function words(s) { return s ? s.split(" ") : []; }

  // The answers a condition reads: checked options, chosen values and typed text, by field.
  function answers(name) {
    var out = [];
    each(form.querySelectorAll("[name='" + name + "']"), function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (el.value !== "" && !(el.closest && el.closest(".k-off"))) { out.push(el.value); }
    });
    return out;
  }

  // A show_when condition ({"all": [...]}, {"any": [...]}, {"not": c}, {"is": [field, v]},
  // {"selected": [field, v]}); a field may stand for several (one per student).
  function holds(c) {
    var i, fields, a;
    if (c.all) { for (i = 0; i < c.all.length; i++) { if (!holds(c.all[i])) { return false; } } return true; }
    if (c.any) { for (i = 0; i < c.any.length; i++) { if (holds(c.any[i])) { return true; } } return false; }
    if (c.not) { return !holds(c.not); }
    var pair = c.is || c.selected;
    fields = words(pair[0]);
    for (i = 0; i < fields.length; i++) {
      a = answers(fields[i]);
      if (c.is ? (a.length === 1 && a[0] === pair[1]) : a.indexOf(pair[1]) >= 0) { return true; }
    }
    return false;
  }

  function refresh() {
    var shown = {}, hidden = {};
    each(form.querySelectorAll("input:checked, option:checked"), function (el) {
      if (el.closest && el.closest(".k-off")) { return; }
      each(words(el.getAttribute("data-shows")), function (id) { shown[id] = true; });
      each(words(el.getAttribute("data-hides")), function (id) { hidden[id] = true; });
    });
    each(form.querySelectorAll(".k-cond"), function (el) {
      var key = el.getAttribute("data-cond");
      var on = (el.getAttribute("data-start") !== "hidden" || shown[key]) && !hidden[key];
      var when = el.getAttribute("data-when");
      if (on && when && window.JSON) { try { on = holds(JSON.parse(when)); } catch (e) { on = true; } }
      el.className = el.className.replace(/ ?k-off/g, "") + (on ? "" : " k-off");
    });
    progress();
  }

  // Progress on a page without steps: the line at the top counts the questions that show and
  // those answered. It changes on "change" (a choice, leaving a text field), not per keystroke,
  // and only when the numbers do, so a screen reader hears it now and then, politely.
  var bar = d.getElementById("k-progress");
  function off(el) {
    for (; el && el !== form; el = el.parentNode) { if (/(^| )k-off( |$)/.test(el.className)) { return true; } }
    return false;
  }
  function filled(q) {
    var yes = false;
    each(q.querySelectorAll("input, select, textarea"), function (el) {
      if (el.type === "hidden") { yes = yes || (el.className === "k-touch" && el.value === "1"); } else if (el.type === "radio" || el.type === "checkbox") { yes = yes || el.checked; } else if (el.type !== "range") { yes = yes || el.value !== ""; }
    });
    return yes;
  }
  function progress() {
    if (!bar) { return; }
    var count = 0, done = 0;
    each(form.querySelectorAll("[data-q]"), function (q) {
      if (off(q)) { return; }
      count += 1;
      if (filled(q)) { done += 1; }
    });
    var text = bar.getAttribute("data-live").replace("{done}", done).replace("{count}", count);
    var line = d.getElementById("k-progress-text"), meter = bar.querySelector("progress");
    if (line.textContent !== text) { line.textContent = text; }
    meter.max = count || 1;
    meter.value = done;
    meter.hidden = false;
  }

  each(form.querySelectorAll("input[type=range]"), function (el) {
    var touch = function () {
      var box = el.parentNode;
      box.className = box.className.replace(/ ?k-untouched/g, "");
      var flag = box.querySelector(".k-touch");
      if (flag && flag.value !== "1") { flag.value = "1"; progress(); soon(); }
    };
    each(["input", "change", "mousedown", "touchstart", "keydown"], function (ev) { el.addEventListener(ev, touch, false); });
  });

  var fits = [];
  // A slider whose value counts something ("uur") shows it once set: "12 uur".
  each(form.querySelectorAll("output.k-value"), function (out) {
    var el = document.getElementById(out.getAttribute("for"));
    if (!el) { return; }
    var show = function () {
      var flag = el.parentNode.querySelector(".k-touch");
      out.textContent = flag && flag.value === "1" ? el.value + " " + out.getAttribute("data-unit") : "";
    };
    // After the touch handler above: a tap on the thumb's own spot changes nothing but sets it.
    each(["input", "change", "mousedown", "touchstart", "keydown"], function (ev) { el.addEventListener(ev, show, false); });
    fits.push(show);
  });
  each(form.querySelectorAll(".k-expandable"), function (box) {
    var parts = box.querySelectorAll(".k-expansion");
    var max = parts.length;
    var count = parseInt(box.getAttribute("data-default"), 10) || 0;
    // The server's "more" button is for pages without scripts: here "add" shows a block.
    each(box.querySelectorAll(".k-more"), function (b) { b.parentNode.removeChild(b); });
    var fit = function () {
      each(parts, function (p, i) {
        if (p.querySelector("input:checked, .k-touch[value='1']") || (p.querySelector("textarea") || {}).value || (p.querySelector("input[type=text]") || {}).value) { count = Math.max(count, i + 1); }
      });
    };
    fit();
    var add = box.querySelector(".k-add"), remove = box.querySelector(".k-remove");
    var show = function () {
      each(parts, function (p, i) { p.hidden = i >= count; });
      if (add) { add.hidden = count >= max; }
      if (remove) { remove.hidden = count < 1; }
    };
    if (add) { add.addEventListener("click", function () { if (count < max) { count += 1; show(); } }, false); }
    if (remove) {
      remove.addEventListener("click", function () {
        if (count < 1) { return; }
        each(parts[count - 1].querySelectorAll("input, textarea, select"), function (el) {
          if (el.type === "checkbox" || el.type === "radio") { el.checked = false; } else if (el.type !== "hidden") { el.value = ""; }
        });
        count -= 1;
        show();
      }, false);
    }
    show();
    fits.push(function () { fit(); show(); });
  });

  // Drafts: the answers so far go to the server as the person answers (a second after the
  // last change), and into this phone's storage until the server has them, so neither a
  // reload, a lost connection nor an ended session loses them.
  var draftUrl = form.getAttribute("data-draft");
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  var storeKey = "koers-draft:" + draftUrl;
  var timer = null;

  function fields() {
    var out = [];
    each(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "submit" || el.type === "button") { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      out.push([el.name, el.value]);
    });
    return out;
  }

  function encoded(pairs) {
    var parts = [];
    each(pairs, function (p) { parts.push(encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1])); });
    return parts.join("&");
  }

  function keep(pairs) {
    if (!store || !window.JSON) { return; }
    try { store.setItem(storeKey, JSON.stringify(pairs)); } catch (e) { /* full: the server has it */ }
  }

  function sendDraft() {
    timer = null;
    if (!draftUrl || !window.XMLHttpRequest) { return; }
    var pairs = fields();
    keep(pairs);
    var x = new XMLHttpRequest();
    x.open("POST", draftUrl, true);
    x.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    x.onload = function () { if (x.status === 204 && store) { store.removeItem(storeKey); } };
    x.send(encoded(pairs));
  }

  function soon() {
    if (timer) { clearTimeout(timer); }
    keep(fields());
    timer = setTimeout(sendDraft, 800);
  }

  // Leaving (or reloading) before the timer ran: the last change still goes to the server.
  window.addEventListener("pagehide", function () {
    if (!timer || !navigator.sendBeacon || !window.Blob) { return; }
    clearTimeout(timer);
    timer = null;
    navigator.sendBeacon(draftUrl, new Blob([encoded(fields())], { type: "application/x-www-form-urlencoded" }));
  }, false);

  // Puts answers into the form (pairs of field name and value, as the form sends them).
  function put(saved) {
    var names = {};
    each(saved, function (p) { (names[p[0]] = names[p[0]] || []).push(p[1]); });
    each(form.elements, function (el) {
      if (!el.name || el.name === "csrf" || el.type === "hidden" && el.name.indexOf("__") === 0 || !names.hasOwnProperty(el.name)) { return; }
      var values = names[el.name];
      if (el.type === "radio" || el.type === "checkbox") { el.checked = values.indexOf(el.value) >= 0; } else { el.value = values[0]; }
    });
    each(form.querySelectorAll(".k-touch[value='1']"), function (el) {
      el.parentNode.className = el.parentNode.className.replace(/ ?k-untouched/g, "");
    });
    each(fits, function (f) { f(); });
    refresh();
    soon();
  }

  // Answers this phone kept while the server could not be reached are put back and sent.
  function restore() {
    var saved = null;
    if (!store || !window.JSON) { return; }
    try { saved = JSON.parse(store.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (saved && saved.length) { put(saved); }
  }
  restore();

  // "Same as last week": last week's actions are filled in here, without a page load.
  each(d.querySelectorAll(".k-copy button[data-fields]"), function (b) {
    b.addEventListener("click", function (e) {
      var pairs = null;
      try { pairs = JSON.parse(b.getAttribute("data-fields")); } catch (err) { return; }
      e.preventDefault();
      put(pairs);
      b.disabled = true;
    }, false);
  });

  var notice = d.getElementById("k-offline");
  form.addEventListener("change", function (e) { note(e.target.name); refresh(); soon(); }, false);
  form.addEventListener("input", function (e) {
    var t = e.target;
    if (t.type !== "range") { note(t.name); }
    // Typing in "other, namely" chooses "other".
    if (t.name && /__other$/.test(t.name) && t.value !== "") {
      var option = form.querySelector("input[name='" + t.name.replace(/__other$/, "") + "'][value='__other']");
      if (option && !option.checked) { option.checked = true; refresh(); }
    }
    soon();
  }, false);
  form.addEventListener("submit", function (e) {
    keep(fields());
    if (navigator.onLine === false) {
      e.preventDefault();
      if (notice) { notice.hidden = false; notice.focus(); }
      return;
    }
    if (notice) { notice.hidden = true; }
    var field = d.getElementById("k-paradata");
    if (field && window.JSON) { field.value = JSON.stringify(pd); }
    each(form.querySelectorAll("button[type=submit]"), function (b) {
      setTimeout(function () { b.disabled = true; }, 0);
    });
  }, false);
  // Steps: with page breaks, one step at a time with back and next; each step is kept as a
  // draft. Without scripts every step shows on one page under its "Stap 2 van 4" heading.
  var nav = form.querySelector(".k-stepnav");
  var sendBox = form.querySelector(".k-submit");
  var steps = [], current = 0;
  each(form.children, function (el) {
    if (el.className.indexOf("k-step") === 0 && el.tagName === "H2") { steps.push([el]); } else if (steps.length && el !== nav && el !== sendBox && el.id !== "k-offline" && el.type !== "hidden") { steps[steps.length - 1].push(el); }
  });
  function stepOf(el) {
    for (var i = 0; i < steps.length; i++) { for (var j = 0; j < steps[i].length; j++) { if (steps[i][j] === el || steps[i][j].contains(el)) { return i; } } }
    return -1;
  }
  function showStep(n, focus) {
    current = n;
    each(steps, function (parts, i) { each(parts, function (el) { el.hidden = i !== n; }); });
    nav.querySelector(".k-back").hidden = n === 0;
    nav.querySelector(".k-next").hidden = n === steps.length - 1;
    sendBox.hidden = n !== steps.length - 1;
    if (focus) { steps[n][0].setAttribute("tabindex", "-1"); steps[n][0].focus(); window.scrollTo(0, 0); }
  }
  if (steps.length > 1 && nav && sendBox) {
    nav.hidden = false;
    nav.querySelector(".k-next").addEventListener("click", function () { sendDraft(); showStep(current + 1, true); }, false);
    nav.querySelector(".k-back").addEventListener("click", function () { sendDraft(); showStep(current - 1, true); }, false);
    // The server's own step buttons are for pages without scripts.
    each(form.querySelectorAll(".k-stepnav-plain"), function (b) { b.parentNode.removeChild(b); });
    var firstError = form.querySelector(".k-has-error");
    // The step the server showed (a page without scripts reloaded there), else the first.
    var shown = -1;
    each(steps, function (parts, i) { if (!parts[0].hidden && shown < 0) { shown = i; } });
    showStep(firstError ? Math.max(stepOf(firstError), 0) : Math.max(shown, 0), false);
    each(d.querySelectorAll(".k-errors a"), function (a) {
      a.addEventListener("click", function () {
        var target = d.getElementById(a.getAttribute("href").slice(1));
        if (target && stepOf(target) >= 0) { showStep(stepOf(target), false); }
      }, false);
    });
  }

  refresh();
  var errors = d.getElementById("k-errors");
  if (errors && errors.focus) { errors.focus(); }
})();
