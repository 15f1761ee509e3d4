/* casebook serve: reloads this page when a rebuild changed it, and shows the errors of a
   failed rebuild over the page until the next good one. Added by `casebook serve` only. */
(function () {
  "use strict";
  var build = null;
  var box = null;

  function here() {
    var p = decodeURIComponent(location.pathname).replace(/^\//, "");
    return p === "" || p.slice(-1) === "/" ? p + "index.html" : p;
  }

  function affected(s) {
    if (s.reload_all) return true;
    var page = here();
    return s.changed.some(function (f) {
      return f === page || /\.(css|js)$/.test(f);
    });
  }

  function hide() {
    if (box) { box.remove(); box = null; }
  }

  function show(s) {
    hide();
    box = document.createElement("div");
    box.id = "casebook-errors";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,20,.92);color:#fff;font:15px/1.6 system-ui,'PingFang SC'," +
      "'Microsoft YaHei',sans-serif;padding:2rem";
    var h = document.createElement("h2");
    h.textContent = "内容有 " + s.errors + " 处错误，网站暂时显示上一次成功构建的版本 · " +
      s.errors + (s.errors === 1 ? " error" : " errors") + ": showing the last good build";
    h.style.cssText = "margin:0 0 1rem;font-size:1.2rem;color:#ffb4a9";
    box.appendChild(h);
    s.diagnostics.forEach(function (d) {
      var item = document.createElement("div");
      item.style.cssText = "margin:0 0 1rem;padding:.75rem 1rem;background:#2b2b2b;" +
        "border-left:4px solid #ff6b5b;white-space:pre-wrap";
      var where = document.createElement("div");
      where.style.cssText = "font-family:ui-monospace,monospace;color:#ffd479";
      where.textContent = d.file + (d.line ? ":" + d.line : "") +
        (d.column ? ":" + d.column : "") + (d.field ? "  (" + d.field + ")" : "");
      var msg = document.createElement("div");
      msg.textContent = d.message;
      item.appendChild(where);
      item.appendChild(msg);
      if (d.hint) {
        var hint = document.createElement("div");
        hint.style.color = "#bde5b8";
        hint.textContent = "→ " + d.hint;
        item.appendChild(hint);
      }
      box.appendChild(item);
    });
    var foot = document.createElement("p");
    foot.style.color = "#aaa";
    foot.textContent = "保存修改后，此提示会自动消失。Save the fixed file: this disappears by itself.";
    box.appendChild(foot);
    document.body.appendChild(box);
  }

  function poll() {
    var url = "/__casebook/events" + (build === null ? "" : "?since=" + build);
    fetch(url, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var first = build === null;
        build = s.build;
        if (!s.ok) {
          show(s);
        } else if (!first && affected(s)) {
          location.reload();
          return;
        } else {
          hide();
        }
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }

  poll();
})();
