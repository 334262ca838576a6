/* Site search over the index `pufa build` writes to search/index/ (format: src/render/search.rs).
   Works on a plain static host, under a sub-path and offline: every file is fetched relative to
   the URL the search page gives in data-index. Chinese text is matched by character bigrams, so
   words inside running text are found (化解率, 综合查一次, 学法游). Result excerpts are cut from
   the result pages themselves. Without JavaScript the page lists sections and years instead. */
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || !window.fetch || !window.TextDecoder) { return; }
  var fallback = document.getElementById("search-fallback");
  root.hidden = false;
  if (fallback) { fallback.hidden = true; }

  var base = root.getAttribute("data-index");
  var form = root.querySelector("form");
  var input = document.getElementById("search-q");
  var kindSel = document.getElementById("search-kind");
  var yearSel = document.getElementById("search-year");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var utf8 = new TextDecoder("utf-8");
  var meta = null;
  var table = null;
  var shards = {};
  var infos = {};
  var pages = {};
  var seq = 0;

  function get(path, kind) {
    var url = base + path + (meta ? "?v=" + meta.version : "");
    return fetch(url, { cache: meta ? "default" : "no-cache" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return kind === "json" ? r.json() : kind === "text" ? r.text() : r.arrayBuffer();
    });
  }

  function load() {
    if (meta && table) { return Promise.resolve(); }
    return get("meta.json", "json").then(function (m) {
      meta = m;
      return get("docs.bin", "bin");
    }).then(function (buf) { table = new Uint8Array(buf); });
  }

  /* The tokenizer must agree with src/render/search.rs. */
  function isCJK(c) {
    var u = c.codePointAt(0);
    if (u < 0x1100) { return false; }
    if (u >= 0x4E00 && u <= 0x9FFF) { return true; }
    if ((u >= 0x3000 && u <= 0x303F) || (u >= 0xFF01 && u <= 0xFF0F) || (u >= 0xFF1A && u <= 0xFF20) ||
        (u >= 0xFF3B && u <= 0xFF40) || (u >= 0xFF5B && u <= 0xFF65) || (u >= 0xFE10 && u <= 0xFE1F) ||
        (u >= 0xFE30 && u <= 0xFE4F) || "“”‘’—…·–".indexOf(c) >= 0) { return false; }
    return (u >= 0x1100 && u <= 0x11FF) || (u >= 0x2E80 && u <= 0x2FDF) || (u >= 0x3040 && u <= 0x30FF) ||
      (u >= 0x3100 && u <= 0x31FF) || (u >= 0x3200 && u <= 0x33FF) || (u >= 0x3400 && u <= 0x4DBF) ||
      (u >= 0xA960 && u <= 0xA97F) || (u >= 0xAC00 && u <= 0xD7AF) || (u >= 0xF900 && u <= 0xFAFF) ||
      (u >= 0xFF00 && u <= 0xFFEF) || (u >= 0x20000 && u <= 0x3FFFD);
  }
  function tokens(text) {
    var out = [], run = [], word = "";
    function endRun() {
      if (run.length === 1) { out.push(run[0]); }
      for (var i = 1; i < run.length; i++) { out.push(run[i - 1] + run[i]); }
      run = [];
    }
    function endWord() { var w = word.replace(/\.+$/, ""); if (w) { out.push(w); } word = ""; }
    for (var ch of text) {
      var u = ch.codePointAt(0);
      if (u >= 0xFF01 && u <= 0xFF5E) { ch = String.fromCodePoint(u - 0xFEE0); }
      if (isCJK(ch)) { endWord(); run.push(ch); }
      else if (/[A-Za-z0-9]/.test(ch) || (ch === "." && word)) { endRun(); word += ch.toLowerCase(); }
      else { endRun(); endWord(); }
    }
    endRun(); endWord();
    return out.filter(function (t, i) { return out.indexOf(t) === i; });
  }
  function fnv1a32(str) {
    var bytes = new TextEncoder().encode(str), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function shardOf(token) {
    var first = String.fromCodePoint(token.codePointAt(0));
    return fnv1a32(first) % meta.shards;
  }

  function Reader(bytes) { this.b = bytes; this.i = 0; }
  Reader.prototype.varint = function () {
    var v = 0, mul = 1, b;
    do { b = this.b[this.i++]; v += (b & 0x7f) * mul; mul *= 128; } while (b & 0x80);
    return v;
  };

  /* Finds `token` in a shard; returns Map(doc -> [tf, inTitle]) or null. */
  function lookup(bytes, token) {
    var r = new Reader(bytes);
    if (utf8.decode(bytes.subarray(0, 4)) !== "PFS1") { return null; }
    r.i = 4;
    var count = r.varint();
    for (var t = 0; t < count; t++) {
      var len = r.varint();
      var text = utf8.decode(bytes.subarray(r.i, r.i + len));
      r.i += len;
      var n = r.varint();
      var blockLen = r.varint();
      var start = r.i;
      r.i += blockLen;
      if (text !== token) { continue; }
      var docs = new Map();
      if (n === 0) {
        for (var byte = 0; byte < blockLen; byte++) {
          var v = bytes[start + byte];
          for (var bit = 0; v && bit < 8; bit++) { if (v & (1 << bit)) { docs.set(byte * 8 + bit, [1, false]); } }
        }
        return docs;
      }
      var p = new Reader(bytes);
      p.i = start;
      var doc = 0;
      for (var k = 0; k < n; k++) {
        var x = p.varint();
        doc = k === 0 ? Math.floor(x / 2) : doc + Math.floor(x / 2);
        var tf = 1, title = false;
        if (x % 2 === 1) { var y = p.varint(); tf = Math.floor(y / 2); title = y % 2 === 1; }
        docs.set(doc, [tf, title]);
      }
      return docs;
    }
    return null;
  }

  function shard(n) {
    if (!shards[n]) {
      shards[n] = get("p/" + n + ".bin", "bin").then(function (b) { return new Uint8Array(b); });
    }
    return shards[n];
  }
  function info(doc) {
    var f = Math.floor(doc / meta.docs_per_file);
    if (!infos[f]) { infos[f] = get("d/" + f + ".json", "json"); }
    return infos[f].then(function (arr) { return arr[doc - f * meta.docs_per_file]; });
  }

  function matches(doc, kind, year) {
    var o = doc * 8;
    if (kind !== "" && meta.kinds[table[o]] !== kind) { return false; }
    if (year !== "") {
      var off = parseInt(year, 10) - meta.base_year;
      var mask = table[o + 2] | (table[o + 3] << 8) | (table[o + 4] << 16) | (table[o + 5] << 24);
      if (off < 0 || off > 31 || !(mask & (1 << off))) { return false; }
    }
    return true;
  }

  function search(q, kind, year) {
    var toks = tokens(q);
    if (!toks.length) { return Promise.resolve([]); }
    return Promise.all(toks.map(function (t) { return shard(shardOf(t)); })).then(function (bins) {
      var lists = toks.map(function (t, i) { return lookup(bins[i], t) || new Map(); });
      var order = lists.map(function (l, i) { return i; }).sort(function (a, b) { return lists[a].size - lists[b].size; });
      var N = meta.docs;
      var scores = [];
      lists[order[0]].forEach(function (_, doc) {
        if (!matches(doc, kind, year)) { return; }
        var score = 0, inTitle = 0;
        for (var j = 0; j < order.length; j++) {
          var p = lists[order[j]].get(doc);
          if (!p) { return; }
          var idf = Math.log(1 + N / lists[order[j]].size);
          var lenNorm = Math.pow(2, table[doc * 8 + 1] / 8) / Math.max(1, meta.avg_len);
          score += idf * (p[0] * 2.2) / (p[0] + 1.2 * (0.25 + 0.75 * lenNorm));
          if (p[1]) { inTitle++; }
        }
        if (inTitle === order.length) { score += 6 * order.length; } else { score += 2 * inTitle; }
        scores.push([doc, score]);
      });
      scores.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      return scores;
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  /* An excerpt of the result page around the first match, with matches marked. */
  function excerpt(url, q, into) {
    if (!pages[url]) {
      pages[url] = fetch(url).then(function (r) { return r.text(); }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var main = doc.querySelector("main .content") || doc.querySelector("main");
        if (!main) { return ""; }
        /* A table row reads as "名称：数值，数值；" and other blocks end with a space, so
           cells, rows and headings do not run together in the excerpt. */
        Array.prototype.forEach.call(main.querySelectorAll("tr"), function (tr) {
          var cells = Array.prototype.map.call(tr.children, function (c) {
            return c.textContent.replace(/\s+/g, " ").trim();
          }).filter(function (t) { return t.length > 0; });
          tr.textContent = cells.length === 0 ? "" :
            cells[0] + (cells.length > 1 ? "：" + cells.slice(1).join("，") : "") + "；";
        });
        Array.prototype.forEach.call(main.querySelectorAll("p,li,h1,h2,h3,h4,h5,h6,caption,div,section,dd"), function (e) {
          e.appendChild(doc.createTextNode(" "));
        });
        return main.textContent.replace(/\s+/g, " ").trim();
      });
    }
    pages[url].then(function (text) {
      var terms = [q.trim()].concat(q.trim().split(/\s+/)).concat(tokens(q)).filter(function (t) { return t.length > 0; });
      var at = -1, hit = "";
      for (var i = 0; i < terms.length && at < 0; i++) { at = text.indexOf(terms[i]); hit = terms[i]; }
      // Not in the page's text: keep the description.
      if (at < 0) { return; }
      var start = Math.max(0, at - 40), end = Math.min(text.length, at + hit.length + 80);
      var piece = (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
      into.textContent = "";
      var marks = terms.filter(function (t) { return t.length > 1 || /[\u4e00-\u9fff]/.test(t); }).sort(function (a, b) { return b.length - a.length; });
      var pos = 0;
      while (pos < piece.length) {
        var best = -1, bestTerm = "";
        for (var m = 0; m < marks.length; m++) {
          var k = piece.indexOf(marks[m], pos);
          if (k >= 0 && (best < 0 || k < best)) { best = k; bestTerm = marks[m]; }
        }
        if (best < 0) { into.appendChild(document.createTextNode(piece.slice(pos))); break; }
        into.appendChild(document.createTextNode(piece.slice(pos, best)));
        into.appendChild(el("mark", "", bestTerm));
        pos = best + bestTerm.length;
      }
    }).catch(function () { into.textContent = ""; });
  }

  function render(results, total, q) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = el("li");
      var a = el("a", "result-title", r.info[1]);
      a.href = r.info[0];
      li.appendChild(a);
      var metaLine = el("p", "item-meta");
      metaLine.appendChild(el("span", "badge", r.info[2]));
      if (r.info[3] && r.info[3].length) { metaLine.appendChild(el("span", "", r.info[3].join("、") + "年")); }
      li.appendChild(metaLine);
      var ex = el("p", "result-excerpt", r.info[4] || "");
      li.appendChild(ex);
      list.appendChild(li);
      /* A hit in an attachment (its URL leads to the page's 附件 list) keeps its
         description, which names the attachment and shows its text. */
      if (r.info[0].indexOf("#") < 0) { excerpt(r.info[0], q, ex); }
    });
    status.textContent = total === 0 ? "没有找到与“" + q + "”相关的内容。" :
      "找到 " + total + " 条与“" + q + "”相关的内容" + (total > results.length ? "，显示前 " + results.length + " 条。" : "。");
  }

  function run(push) {
    var q = input.value.trim();
    var mine = ++seq;
    if (push) {
      var params = new URLSearchParams();
      if (q) { params.set("q", q); }
      if (kindSel.value) { params.set("kind", kindSel.value); }
      if (yearSel.value) { params.set("year", yearSel.value); }
      var qs = params.toString();
      history.replaceState(null, "", qs ? "?" + qs : location.pathname);
    }
    if (!q) { list.textContent = ""; status.textContent = ""; return; }
    status.textContent = "正在搜索……";
    load().then(function () {
      return search(q, kindSel.value, yearSel.value);
    }).then(function (scores) {
      if (mine !== seq) { return null; }
      var top = scores.slice(0, 20);
      return Promise.all(top.map(function (s) { return info(s[0]); })).then(function (infos) {
        if (mine !== seq) { return; }
        render(top.map(function (s, i) { return { doc: s[0], info: infos[i] }; }), scores.length, q);
      });
    }).catch(function () {
      if (mine === seq) { status.textContent = "搜索索引暂时不可用。请稍后再试，或按栏目浏览。"; }
    });
  }

  var timer = null;
  form.addEventListener("submit", function (e) { e.preventDefault(); run(true); });
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { run(true); }, 250); });
  kindSel.addEventListener("change", function () { run(true); });
  yearSel.addEventListener("change", function () { run(true); });

  var params = new URLSearchParams(location.search);
  if (params.get("q")) { input.value = params.get("q"); }
  if (params.get("kind")) { kindSel.value = params.get("kind"); }
  if (params.get("year")) { yearSel.value = params.get("year"); }
  if (input.value) { run(false); }
})();
