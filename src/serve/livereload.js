/* pufa serve: live reload and the error overlay. Injected into pages only by `pufa serve`,
   never into `pufa build` output. Listens to server-sent events; reloads when this page's
   HTML changed, swaps stylesheets when only CSS changed, shows build errors over the page,
   and reconnects (reloading if the site changed meanwhile) when the server restarts. */
(function () {
  "use strict";
  var me = document.currentScript;
  var base = me.getAttribute("data-base");
  var loaded = me.getAttribute("data-generation");
  var path = decodeURIComponent(location.pathname);
  if (path.indexOf(base) === 0) { path = path.slice(base.length); }
  if (path === "" || path.slice(-1) === "/") { path += "index.html"; }
  var overlay = null;

  /* The editor is on: a 编辑本页 link on every page (never in built output). */
  if (me.getAttribute("data-edit") === "1") {
    var link = document.createElement("a");
    link.id = "pufa-edit-link";
    link.href = base + "__pufa/edit/#/page?path=" + encodeURIComponent(path.replace(/index\.html$/, ""));
    link.textContent = "编辑本页";
    link.style.cssText = "position:fixed;right:12px;bottom:12px;z-index:2147483646;background:#0b3d75;color:#fff;" +
      "font:700 17px/1.4 system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;padding:10px 16px;" +
      "border-radius:6px;text-decoration:none;box-shadow:0 2px 8px rgba(0,0,0,.3)";
    document.addEventListener("DOMContentLoaded", function () { document.body.appendChild(link); });
    if (document.readyState !== "loading" && document.body) { document.body.appendChild(link); }
  }

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function show(errors) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "pufa-error-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-modal", "false");
    overlay.setAttribute("aria-labelledby", "pufa-error-title");
    overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;" +
      "background:#fff8f6;color:#1b1b1b;border-top:6px solid #b3261e;box-shadow:0 -4px 24px rgba(0,0,0,.3);" +
      "font:18px/1.6 system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;padding:16px 20px;";
    var title = document.createElement("h2");
    title.id = "pufa-error-title";
    title.style.cssText = "margin:0 0 8px;font-size:20px;color:#b3261e";
    title.textContent = "保存的内容有错误，页面暂时显示上一次正确的版本";
    overlay.appendChild(title);
    errors.forEach(function (e) {
      var box = document.createElement("section");
      box.style.cssText = "margin:12px 0;padding:10px 12px;background:#fff;border:1px solid #e0c0bb;border-radius:6px";
      var msg = document.createElement("p");
      msg.style.cssText = "margin:0;font-weight:700";
      msg.textContent = e.message;
      box.appendChild(msg);
      if (e.file) {
        var where = document.createElement("p");
        where.style.cssText = "margin:4px 0;font-family:ui-monospace,monospace";
        where.className = "pufa-error-location";
        where.textContent = e.file + (e.line ? ":" + e.line + ":" + e.col : "");
        box.appendChild(where);
      }
      if (e.source_line) {
        var pre = document.createElement("pre");
        pre.style.cssText = "margin:4px 0;padding:6px 8px;background:#f4f4f4;overflow:auto;font:15px/1.5 ui-monospace,monospace";
        pre.textContent = e.line + " | " + e.source_line;
        box.appendChild(pre);
      }
      if (e.hint) {
        var hint = document.createElement("p");
        hint.style.cssText = "margin:4px 0";
        hint.textContent = "提示：" + e.hint;
        box.appendChild(hint);
      }
      overlay.appendChild(box);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "暂时隐藏";
    close.style.cssText = "min-height:44px;padding:4px 16px;font:inherit;border:2px solid #b3261e;background:#fff;border-radius:6px;cursor:pointer";
    close.addEventListener("click", hide);
    overlay.appendChild(close);
    (document.body || document.documentElement).appendChild(overlay);
  }

  function swapCss() {
    Array.prototype.forEach.call(document.querySelectorAll("link[rel=stylesheet]"), function (l) {
      var u = new URL(l.href);
      u.searchParams.set("pufa", Date.now());
      l.href = u.toString();
    });
  }

  function connect() {
    var es = new EventSource(base + "__pufa/events");
    es.addEventListener("hello", function (ev) {
      var d = JSON.parse(ev.data);
      if (String(d.generation) !== loaded && !d.errors) { location.reload(); return; }
      if (d.errors) { show(d.errors); } else { hide(); }
    });
    es.addEventListener("change", function (ev) {
      var d = JSON.parse(ev.data);
      hide();
      if (d.css_only) { swapCss(); loaded = String(d.generation); return; }
      var mine = d.all || d.paths.some(function (p) { return p === path || !/\.html$/.test(p); });
      if (mine) { location.reload(); } else { loaded = String(d.generation); }
    });
    es.addEventListener("failed", function (ev) { show(JSON.parse(ev.data).errors); });
    es.onerror = function () {
      /* The server went away: EventSource retries by itself; "hello" decides on reconnect. */
    };
  }
  connect();
})();
