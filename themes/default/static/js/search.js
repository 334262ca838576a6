/* Site search on top of the Pagefind index that `pufa build` writes to pagefind/.
   Works on a plain static host and under a sub-path: the bundle and base URL come from
   data attributes the template fills in. Without JavaScript the page shows a list of
   sections and years instead. */
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root) { return; }
  var fallback = document.getElementById("search-fallback");
  root.hidden = false;
  if (fallback) { fallback.hidden = true; }
  var form = root.querySelector("form");
  var input = document.getElementById("search-q");
  var kind = document.getElementById("search-kind");
  var year = document.getElementById("search-year");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var pagefind = null;
  var seq = 0;

  function load() {
    if (!pagefind) {
      pagefind = import(root.getAttribute("data-bundle") + "pagefind.js").then(function (pf) {
        return Promise.resolve(pf.options({ baseUrl: root.getAttribute("data-base") || "/" })).then(function () {
          pf.init();
          return pf;
        });
      });
    }
    return pagefind;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function render(results, total, q) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = el("li");
      var a = el("a", "result-title", (r.meta && r.meta.title) || r.url);
      a.href = r.url;
      li.appendChild(a);
      var meta = el("p", "item-meta");
      if (r.meta && r.meta.kind) { meta.appendChild(el("span", "badge", r.meta.kind)); }
      if (r.meta && r.meta.year) { meta.appendChild(el("span", "", r.meta.year + "年")); }
      li.appendChild(meta);
      var ex = el("p", "result-excerpt");
      ex.innerHTML = r.excerpt; /* Pagefind escapes the text and adds <mark> around matches. */
      li.appendChild(ex);
      list.appendChild(li);
    });
    status.textContent = total === 0 ? "没有找到与“" + q + "”相关的内容。" : "找到 " + total + " 条与“" + q + "”相关的内容" + (total > results.length ? "，显示前 " + results.length + " 条。" : "。");
  }

  function run(push) {
    var q = input.value.trim();
    var mine = ++seq;
    if (push) {
      var params = new URLSearchParams();
      if (q) { params.set("q", q); }
      if (kind.value) { params.set("kind", kind.value); }
      if (year.value) { params.set("year", year.value); }
      var qs = params.toString();
      history.replaceState(null, "", qs ? "?" + qs : location.pathname);
    }
    if (!q) { list.textContent = ""; status.textContent = ""; return; }
    status.textContent = "正在搜索……";
    var filters = {};
    if (kind.value) { filters.kind = kind.value; }
    if (year.value) { filters.year = year.value; }
    load().then(function (pf) {
      return pf.search(q, { filters: filters });
    }).then(function (search) {
      if (mine !== seq) { return null; }
      var total = search.results.length;
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); })).then(function (data) {
        if (mine === seq) { render(data, total, q); }
      });
    }).catch(function () {
      if (mine === seq) { status.textContent = "搜索索引暂不可用（预览时会在保存后几秒内生成）。请稍后再试，或按栏目浏览。"; }
    });
  }

  var timer = null;
  form.addEventListener("submit", function (e) { e.preventDefault(); run(true); });
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { run(true); }, 250); });
  kind.addEventListener("change", function () { run(true); });
  year.addEventListener("change", function () { run(true); });

  var params = new URLSearchParams(location.search);
  if (params.get("q")) { input.value = params.get("q"); }
  if (params.get("kind")) { kind.value = params.get("kind"); }
  if (params.get("year")) { year.value = params.get("year"); }
  if (input.value) { run(false); }
})();
