/* govctl governance portal: readiness filters and client-side search. No dependencies, no
   network: the search index is a script next to this one (works from file://). */
(function () {
  "use strict";

  function filters() {
    var form = document.getElementById("filters");
    var table = document.getElementById("readiness");
    if (!form || !table) { return; }
    var selects = form.querySelectorAll("select[data-filter]");
    var rows = table.tBodies[0].rows;
    var count = document.getElementById("filter-count");
    var keys = { environment: "environment", risk: "risk", owner: "owner", jurisdiction: "jurisdiction" };

    function matches(row) {
      for (var i = 0; i < selects.length; i++) {
        var want = selects[i].value;
        if (!want) { continue; }
        var have = (row.getAttribute("data-" + keys[selects[i].name]) || "").split(" ");
        if (have.indexOf(want) < 0) { return false; }
      }
      return true;
    }

    function apply() {
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var ok = matches(rows[i]);
        rows[i].hidden = !ok;
        if (ok) { shown++; }
      }
      count.textContent = shown + " of " + rows.length + " deployments shown";
      var state = [];
      for (var j = 0; j < selects.length; j++) {
        if (selects[j].value) { state.push(selects[j].name + "=" + encodeURIComponent(selects[j].value)); }
      }
      // The filter lives in the fragment: a filtered view can be bookmarked or shared.
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", state.length ? "#" + state.join("&") : location.pathname + location.search);
      }
    }

    function restore() {
      var parts = location.hash.replace(/^#/, "").split("&");
      for (var i = 0; i < parts.length; i++) {
        var kv = parts[i].split("=");
        var sel = form.querySelector("select[name='" + kv[0] + "']");
        if (sel && kv.length === 2) { sel.value = decodeURIComponent(kv[1]); }
      }
    }

    for (var k = 0; k < selects.length; k++) { selects[k].addEventListener("change", apply); }
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    restore();
    apply();
  }

  function search() {
    var list = document.getElementById("search-results");
    var input = document.getElementById("search-q");
    if (!list || !input) { return; }
    var status = document.getElementById("search-status");
    var index = window.GOVCTL_SEARCH || [];
    var root = document.querySelector("link[rel=stylesheet]").getAttribute("href").replace(/assets\/site\.css$/, "");

    function run() {
      var q = input.value.trim().toLowerCase();
      while (list.firstChild) { list.removeChild(list.firstChild); }
      if (q.length < 2) { status.textContent = "Type at least two characters."; return; }
      var words = q.split(/\s+/), found = 0, limit = 200;
      for (var i = 0; i < index.length && found < limit; i++) {
        var hay = index[i][3];
        var ok = true;
        for (var w = 0; w < words.length; w++) { if (hay.indexOf(words[w]) < 0) { ok = false; break; } }
        if (!ok) { continue; }
        found++;
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + index[i][2];
        a.textContent = index[i][1];
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = index[i][0];
        li.appendChild(kind);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(a);
        list.appendChild(li);
      }
      status.textContent = found === 0 ? "Nothing matches." :
        (found >= limit ? "The first " + limit + " matches." : found + " match" + (found === 1 ? "." : "es."));
    }

    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    input.addEventListener("input", run);
    document.getElementById("search-form").addEventListener("submit", function (e) {
      e.preventDefault();
      run();
    });
    run();
    input.focus();
  }

  filters();
  search();
}());
