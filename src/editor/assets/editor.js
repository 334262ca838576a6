/* pufa's editor in the browser. Served by `pufa serve` at __pufa/edit/, never part of a built
   site. Every form is built from the schema the server sends (the one the loader checks
   against); every check is the server's: the form sends what was typed, the server writes the
   file text and runs pufa's own parser on it, and errors come back with the field they belong
   to. Unsaved edits are kept in this browser's local storage until they are saved. */
(function () {
  "use strict";
  var base = document.querySelector('meta[name="pufa-base"]').content;
  var token = document.querySelector('meta[name="pufa-token"]').content;
  var api = base + "__pufa/api/";
  var main = document.getElementById("main");
  var statusBox = document.getElementById("status");
  var meta = null;
  var state = null; /* the page being edited */
  var checkTimer = null;
  var storeTimer = null;

  /* ---------- small helpers ---------- */
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) { return; }
      if (k === "text") { e.textContent = v; } else if (k === "class") { e.className = v; } else if (k.slice(0, 2) === "on") { e.addEventListener(k.slice(2), v); } else { e.setAttribute(k, v === true ? "" : v); }
    });
    (kids || []).forEach(function (c) { if (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return e;
  }
  var sayTimer = null;
  function say(text, bad) {
    statusBox.textContent = text;
    statusBox.className = "status" + (bad ? " bad" : "") + (text ? " shown" : "");
    clearTimeout(sayTimer);
    if (text && !bad) { sayTimer = setTimeout(function () { say(""); }, 8000); }
  }
  function request(method, path, body, raw) {
    var headers = { "X-Pufa-Token": token };
    var payload;
    if (raw) { payload = body; headers["Content-Type"] = "application/octet-stream"; } else if (body !== undefined) { payload = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
    return fetch(api + path, { method: method, headers: method === "GET" ? {} : headers, body: payload, credentials: "same-origin" })
      .then(function (r) {
        return r.text().then(function (t) {
          var data = {};
          try { data = t ? JSON.parse(t) : {}; } catch (e) { data = { message: t }; }
          return { status: r.status, ok: r.ok, data: data };
        });
      });
  }
  function get(path) { return request("GET", path); }
  function post(path, body, raw) { return request("POST", path, body, raw); }
  function q(o) { return Object.keys(o).map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(o[k]); }).join("&"); }
  function field(name) { return meta.fields.filter(function (f) { return f.name === name; })[0]; }
  function kindLabel(k) { var m = meta.kinds.filter(function (x) { return x[0] === k; })[0]; return m ? m[1] : k; }
  function isRequired(kind, name) {
    if (name === "title") { return true; }
    return meta.required.some(function (r) { return r.kind === kind && r.any_of[0] === name; });
  }
  function requiredHelp(kind, name) {
    var r = meta.required.filter(function (r) { return r.kind === kind && r.any_of[0] === name; })[0];
    if (!r || r.any_of.length < 2) { return ""; }
    return "（也可以只填" + r.any_of.slice(1).map(function (n) { return "“" + field(n).label + "”"; }).join("或") + "）";
  }
  function storeKey(rel) { return "pufa-edit:" + base + ":" + rel; }
  function setTitle(t) { document.title = t + " · pufa 编辑器"; }
  function focusMain(h) { if (h) { h.setAttribute("tabindex", "-1"); h.focus(); } }

  /* ---------- routing ---------- */
  function route() {
    clearTimeout(checkTimer);
    var h = decodeURIComponent(location.hash.slice(1) || "/");
    if (h.indexOf("/edit/") === 0) { return openPage(h.slice(6)); }
    if (h === "/new" || h.indexOf("/new?") === 0) { return showNew(new URLSearchParams(h.split("?")[1] || "").get("kind")); }
    if (h === "/import") { return showImport(); }
    if (h.indexOf("/page?") === 0) {
      var path = new URLSearchParams(h.split("?")[1]).get("path") || "";
      return get("find?" + q({ path: path })).then(function (r) {
        if (r.data.rel) { location.replace("#/edit/" + r.data.rel); } else { location.replace("#/"); say("这个页面不是由内容文件生成的，不能直接编辑。"); }
      });
    }
    return showList();
  }

  /* ---------- the list ---------- */
  function showList() {
    state = null;
    setTitle("全部内容");
    return get("list").then(function (r) {
      main.textContent = "";
      var h1 = el("h1", { text: "全部内容" });
      main.appendChild(h1);
      if (!r.ok) { main.appendChild(el("p", { class: "notice bad", text: r.data.message || "读取失败" })); return; }
      if (r.data.errors && r.data.errors.length) {
        main.appendChild(el("p", { class: "notice bad", text: "网站现在有 " + r.data.errors.length + " 个错误，正式网站暂时显示上一次正确的版本。标有“错误”的页面需要改正。" }));
      }
      r.data.groups.forEach(function (g) {
        if (!g.items.length && !g.index && g.key !== "") { return; }
        var sec = el("section", { class: "group", "aria-labelledby": "g-" + g.key });
        var head = el("div", { class: "group-head" }, [
          el("h2", { id: "g-" + g.key, text: g.title }),
          el("span", { class: "kind", text: g.kind_label })
        ]);
        sec.appendChild(head);
        var actions = el("p", { class: "group-actions" });
        if (g.kind !== "page" || g.key === "") {
          actions.appendChild(el("a", { class: "button", href: "#/new?kind=" + g.kind, text: "新建" + g.kind_label }));
        }
        if (g.index) { actions.appendChild(el("a", { class: "button quiet", href: "#/edit/" + g.index, text: "编辑栏目说明" })); }
        sec.appendChild(actions);
        var ul = el("ul", { class: "items" });
        g.items.forEach(function (it) {
          var marks = [];
          if (it.draft) { marks.push(el("span", { class: "mark draft", text: "草稿" })); }
          if (it.errors) { marks.push(el("span", { class: "mark error", text: it.errors + " 个错误" })); }
          if (it.warnings) { marks.push(el("span", { class: "mark warning", text: it.warnings + " 条提醒" })); }
          ul.appendChild(el("li", {}, [el("a", { href: "#/edit/" + it.rel, text: it.title }), el("span", { class: "path", text: it.rel })].concat(marks)));
        });
        if (!g.items.length) { ul.appendChild(el("li", { class: "empty", text: "还没有内容" })); }
        sec.appendChild(ul);
        main.appendChild(sec);
      });
      focusMain(h1);
    });
  }

  /* ---------- new page ---------- */
  function showNew(kind) {
    state = null;
    setTitle("新建");
    main.textContent = "";
    var h1 = el("h1", { text: "新建页面" });
    var select = el("select", { id: "new-kind", name: "kind" });
    meta.kinds.forEach(function (k) {
      if (k[0] !== "page" && !k[2]) { return; }
      select.appendChild(el("option", { value: k[0], text: k[1], selected: k[0] === kind }));
    });
    var title = el("input", { id: "new-title", name: "title", type: "text", required: true, "aria-describedby": "new-title-help new-error" });
    var err = el("p", { id: "new-error", class: "field-error" });
    var form = el("form", { class: "card", novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      if (!title.value.trim()) { err.textContent = "请填写标题"; title.setAttribute("aria-invalid", "true"); title.focus(); return; }
      get("new?" + q({ kind: select.value, title: title.value })).then(function (r) {
        if (!r.ok) { err.textContent = r.data.message; return; }
        startEditing(r.data, true);
      });
    } }, [
      el("div", { class: "field" }, [el("label", { for: "new-kind", text: "内容类型" }), select]),
      el("div", { class: "field" }, [
        el("label", { for: "new-title" }, ["标题", el("span", { class: "req", text: "（必填）" })]), title,
        el("p", { id: "new-title-help", class: "help", text: "文件名会用这个标题（保留中文）。" }), err
      ]),
      el("button", { type: "submit", class: "primary", text: "开始填写" })
    ]);
    main.appendChild(h1);
    main.appendChild(form);
    focusMain(h1);
  }

  /* ---------- import ---------- */
  function showImport() {
    state = null;
    setTitle("导入报告");
    main.textContent = "";
    var h1 = el("h1", { text: "导入报告" });
    var kind = el("select", { id: "import-kind" });
    meta.kinds.forEach(function (k) { if (k[0] !== "page" && k[2]) { kind.appendChild(el("option", { value: k[0], text: k[1] })); } });
    var input = el("input", { id: "import-file", type: "file", accept: ".docx,.txt,.pdf,.md" });
    var out = el("div", { id: "import-result", "aria-live": "polite" });
    function run(file) {
      if (!file) { return; }
      say("正在读取 " + file.name + " ……");
      file.arrayBuffer().then(function (buf) {
        return post("import?" + q({ name: file.name, kind: kind.value }), buf, true);
      }).then(function (r) {
        out.textContent = "";
        if (!r.ok) { say(""); out.appendChild(errorList(r.data)); return; }
        say("读取完成，请核对下面的结果。");
        showFindings(out, r.data);
      });
    }
    input.addEventListener("change", function () { run(input.files[0]); });
    var drop = el("div", { class: "drop", id: "import-drop" }, [
      el("p", { text: "把 Word 文档（.docx）、文本（.txt）或 PDF 拖到这里，或者：" }),
      el("label", { for: "import-file", class: "button", text: "选择文件" }), input
    ]);
    dropTarget(drop, function (files) { run(files[0]); });
    main.appendChild(h1);
    main.appendChild(el("p", { text: "导入时不会马上生成页面：先核对找到的标题、数字和荣誉，确认后再在表单里保存。" }));
    main.appendChild(el("div", { class: "field" }, [el("label", { for: "import-kind", text: "这是" }), kind]));
    main.appendChild(drop);
    main.appendChild(out);
    focusMain(h1);
  }

  function showFindings(out, data) {
    out.appendChild(el("h2", { text: "找到的内容" }));
    if (data.doubts.length) {
      out.appendChild(el("h3", { text: "需要确认的地方" }));
      out.appendChild(el("ul", { class: "doubts" }, data.doubts.map(function (d) { return el("li", { text: (d[0] ? "第 " + d[0] + " 行：" : "") + d[1] }); })));
    }
    out.appendChild(el("h3", { text: "标题结构" }));
    out.appendChild(el("ul", { class: "outline" }, data.headings.map(function (h) { return el("li", { class: "level-" + h[0], text: h[1] }); })));
    out.appendChild(el("details", {}, [el("summary", { text: "导入报告全文" }), el("pre", { text: data.report })]));
    out.appendChild(el("button", { type: "button", class: "primary", text: "用这些内容新建页面", onclick: function () { startEditing(data.page, true); } }));
  }

  function dropTarget(node, onFiles) {
    node.addEventListener("dragover", function (e) { e.preventDefault(); node.classList.add("over"); });
    node.addEventListener("dragleave", function () { node.classList.remove("over"); });
    node.addEventListener("drop", function (e) {
      e.preventDefault(); node.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length) { onFiles(e.dataTransfer.files); }
    });
  }

  /* ---------- editing ---------- */
  function openPage(rel) {
    if (state && state.rel === rel && document.getElementById("page-form")) { return; }
    return get("page?" + q({ rel: rel })).then(function (r) {
      if (!r.ok) { main.textContent = ""; main.appendChild(el("h1", { text: "无法打开" })); main.appendChild(errorList(r.data)); return; }
      startEditing(r.data, false);
    });
  }

  function startEditing(page, fresh) {
    state = {
      rel: page.rel, kind: page.kind, kindLabel: page.kind_label, version: page.version,
      values: page.values || {}, unknown: page.unknown || {}, body: page.body || "", raw: page.raw,
      url: page.url, files: page.files || [], serverErrors: page.errors || []
    };
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(storeKey(page.rel)) || "null"); } catch (e) { stored = null; }
    var restored = false;
    if (stored && stored.version === state.version) {
      state.values = stored.values; state.unknown = stored.unknown || {}; state.body = stored.body; state.raw = stored.raw;
      restored = true;
    }
    if (location.hash !== "#/edit/" + page.rel) { history.replaceState(null, "", "#/edit/" + page.rel); }
    render(restored, stored && !restored ? stored : null);
    if (fresh && !page.version) { store(); }
  }

  function currentEdit() {
    if (state.raw !== null && state.raw !== undefined) { return { rel: state.rel, raw: state.raw }; }
    return { rel: state.rel, values: state.values, unknown: state.unknown, body: state.body };
  }

  function store() {
    if (!state) { return; }
    var s = currentEdit();
    s.version = state.version;
    s.time = new Date().toISOString();
    try { localStorage.setItem(storeKey(state.rel), JSON.stringify(s)); } catch (e) { /* storage full: the form still works */ }
  }
  function changed() {
    clearTimeout(storeTimer); storeTimer = setTimeout(store, 200);
    clearTimeout(checkTimer); checkTimer = setTimeout(check, 500);
    var s = document.getElementById("save-state");
    if (s) { s.textContent = "有未保存的修改（已暂存在本浏览器）"; }
  }

  function render(restored, stale) {
    main.textContent = "";
    var title = state.values.title || state.rel;
    setTitle(title);
    var h1 = el("h1", { id: "page-title", text: (state.version ? "编辑：" : "新建：") + title });
    main.appendChild(h1);
    main.appendChild(el("p", { class: "where" }, [
      el("span", { class: "kind", text: state.kindLabel }), " ",
      el("span", { class: "path", text: "content/" + state.rel })
    ]));
    if (restored) {
      main.appendChild(el("p", { class: "notice", id: "restored" }, ["已恢复上次没有保存的修改。 ",
        el("button", { type: "button", class: "quiet", text: "放弃这些修改", onclick: function () { localStorage.removeItem(storeKey(state.rel)); state = null; openPage(decodeURIComponent(location.hash.slice(7))); } })]));
    }
    if (stale) {
      main.appendChild(el("p", { class: "notice bad", text: "本浏览器里还暂存着这个文件旧版本上的修改，但文件之后被改过。现在显示的是磁盘上的版本；旧的修改仍保存在本浏览器里，下次保存成功前不会删除。" }));
    }
    var actions = el("div", { class: "actions" }, [
      el("button", { type: "submit", form: "page-form", class: "primary", id: "save", text: "保存" }),
      state.url && state.version ? el("a", { class: "button quiet", href: state.url, text: "查看页面" }) : null,
      state.version && !/_index\.md$/.test(state.rel) ? el("button", { type: "button", class: "quiet", id: "rename", text: "改名或移动", onclick: showRename }) : null,
      state.version && !/_index\.md$/.test(state.rel) ? el("button", { type: "button", class: "quiet danger", id: "delete", text: "删除", onclick: doDelete }) : null,
      el("span", { id: "save-state", class: "save-state", text: state.version ? "" : "还没有保存" })
    ]);
    main.appendChild(actions);
    main.appendChild(el("div", { id: "messages", "aria-live": "polite" }));
    var form = el("form", { id: "page-form", novalidate: true, onsubmit: function (e) { e.preventDefault(); save(null); } });
    var layout = el("div", { class: "layout" });
    if (state.raw !== null && state.raw !== undefined) {
      layout.appendChild(rawEditor());
    } else {
      layout.appendChild(fieldsPane());
      layout.appendChild(el("div", { class: "right" }, [bodyPane(), previewPane()]));
    }
    form.appendChild(layout);
    main.appendChild(form);
    if (state.raw !== null && state.raw !== undefined) { main.appendChild(previewPane()); }
    showErrors(state.serverErrors, []);
    focusMain(h1);
    check();
  }

  function rawEditor() {
    var ta = el("textarea", { id: "raw", class: "raw", rows: 24, spellcheck: "false", "aria-describedby": "raw-help raw-error" });
    ta.value = state.raw;
    ta.addEventListener("input", function () { state.raw = ta.value; changed(); });
    return el("div", { class: "field wide" }, [
      el("label", { for: "raw", text: "文件内容" }),
      el("p", { id: "raw-help", class: "help", text: /_index\.md$/.test(state.rel) ? "这是栏目的说明文件，直接修改文字即可。" : "这个文件开头的设置无法读取，表单暂时不能显示。请按下面的提示改正，改正保存后会恢复表单。" }),
      ta, el("div", { id: "raw-error", class: "field-error" })
    ]);
  }

  /* The fields of the page's kind, from the schema. */
  function fieldsPane() {
    var pane = el("div", { class: "fields" });
    var main = el("fieldset", {}, [el("legend", { text: "基本信息" })]);
    var more = el("details", { class: "advanced" }, [el("summary", { text: "高级设置（一般不用填）" })]);
    meta.fields.forEach(function (f) {
      if (f.kinds.length && f.kinds.indexOf(state.kind) < 0) { return; }
      (f.advanced ? more : main).appendChild(widget(f));
    });
    pane.appendChild(main);
    pane.appendChild(more);
    if (Object.keys(state.unknown).length) {
      pane.appendChild(el("p", { class: "notice bad", id: "err-unknown" }, ["这些设置 pufa 不认识，会原样保留：" + Object.keys(state.unknown).join("、") + "。请让懂的人确认后删除。"]));
    }
    return pane;
  }

  function wrap(f, control, extra) {
    var req = isRequired(state.kind, f.name);
    var id = "f-" + f.name;
    var help = f.help + (req ? requiredHelp(state.kind, f.name) : "");
    var label = el(control.tagName === "FIELDSET" ? "span" : "label", { for: control.tagName === "FIELDSET" ? null : id, class: "label" }, [f.label, req ? el("span", { class: "req", text: "（必填）" }) : null]);
    var box = el("div", { class: "field", "data-field": f.name }, [label, el("p", { class: "help", id: id + "-help", text: help }), control, extra || null, el("div", { class: "field-error", id: id + "-error" })]);
    if (control.tagName !== "FIELDSET") {
      control.id = id;
      control.setAttribute("aria-describedby", id + "-help " + id + "-error");
      if (req) { control.setAttribute("aria-required", "true"); }
    }
    return box;
  }

  function datalist(name, values) {
    if (!values || !values.length) { return null; }
    var id = "dl-" + name;
    if (document.getElementById(id)) { return null; }
    return el("datalist", { id: id }, values.map(function (v) { return el("option", { value: v }); }));
  }

  function widget(f) {
    var v = state.values[f.name];
    var set = function (x) { state.values[f.name] = x; changed(); };
    var input;
    switch (f.type) {
      case "long_text":
        input = el("textarea", { rows: 3 }); input.value = v || "";
        input.addEventListener("input", function () { set(input.value); });
        return wrap(f, input);
      case "date":
        var s = v === undefined || v === null ? "" : String(v);
        input = el("input", { type: /^\d{4}-\d{2}-\d{2}$/.test(s) || s === "" ? "date" : "text" }); input.value = s;
        input.addEventListener("input", function () { set(input.value); });
        return wrap(f, input);
      case "year": case "int":
        input = el("input", { type: "text", inputmode: "numeric", class: "short" }); input.value = v === undefined || v === null ? "" : String(v);
        input.addEventListener("input", function () { set(input.value); });
        return wrap(f, input);
      case "bool":
        input = el("input", { type: "checkbox" }); input.checked = v === true;
        input.addEventListener("change", function () { set(input.checked); });
        var b = wrap(f, input); b.classList.add("check");
        return b;
      case "list": case "year_list":
        return wrap(f, listEditor(f.name, f.label, v || [], set, (meta.suggest || {})[f.name]));
      case "metrics":
        return wrap(f, tableEditor(f, v || [], [["label", "名称"], ["value", "数值"], ["unit", "单位"], ["key", "代码（英文）"]], set));
      case "awards":
        return wrap(f, tableEditor(f, v || [], [["name", "荣誉名称"], ["by", "授予单位"], ["level", "级别"], ["year", "年份"]], set));
      case "attachments":
        return wrap(f, tableEditor(f, v || [], [["title", "附件名称"], ["file", "文件名"]], set));
      case "taxonomies":
        var tv = v || {};
        var fs = el("fieldset", { class: "taxonomies" }, [el("legend", { class: "visually-hidden", text: f.label })]);
        meta.taxonomies.forEach(function (t) {
          fs.appendChild(el("div", { class: "subfield" }, [el("span", { class: "sublabel", text: t.title }),
            listEditor("tax-" + t.name, t.title, tv[t.name] || [], function (x) { tv[t.name] = x; set(tv); }, t.terms)]));
        });
        return wrap(f, fs);
      case "extra":
        input = el("textarea", { rows: 3, spellcheck: "false" }); input.value = v === undefined || v === null ? "" : JSON.stringify(v, null, 2);
        input.addEventListener("input", function () { try { set(input.value.trim() ? JSON.parse(input.value) : null); } catch (e) { set(input.value); } });
        return wrap(f, input);
      default:
        input = el("input", { type: "text", list: (meta.suggest || {})[f.name] ? "dl-" + f.name : null }); input.value = v === undefined || v === null ? "" : String(v);
        input.addEventListener("input", function () { set(input.value); if (f.name === "title") { document.getElementById("page-title").textContent = (state.version ? "编辑：" : "新建：") + input.value; } });
        return wrap(f, input, datalist(f.name, (meta.suggest || {})[f.name]));
    }
  }

  /* A list of short texts: one input per item, add and remove buttons. */
  function listEditor(name, label, items, set, suggest) {
    items = items.map(function (x) { return String(x); });
    var fs = el("fieldset", { class: "list" }, [el("legend", { class: "visually-hidden", text: label })]);
    var ul = el("ul", {});
    var dl = datalist(name, suggest);
    function emit() { set(items.filter(function (x) { return x.trim() !== ""; })); }
    function row(i) {
      var input = el("input", { type: "text", "aria-label": label + " 第 " + (i + 1) + " 项", list: suggest && suggest.length ? "dl-" + name : null });
      input.value = items[i];
      input.addEventListener("input", function () { items[i] = input.value; emit(); });
      var del = el("button", { type: "button", class: "quiet small", "aria-label": "删除" + label + " 第 " + (i + 1) + " 项", text: "删除", onclick: function () { items.splice(i, 1); draw(); emit(); } });
      return el("li", {}, [input, del]);
    }
    function draw() {
      ul.textContent = "";
      for (var i = 0; i < items.length; i++) { ul.appendChild(row(i)); }
    }
    draw();
    fs.appendChild(ul);
    fs.appendChild(el("button", { type: "button", class: "quiet small add", text: "添加一项", onclick: function () { items.push(""); draw(); var ins = ul.querySelectorAll("input"); ins[ins.length - 1].focus(); } }));
    if (dl) { fs.appendChild(dl); }
    return fs;
  }

  /* A table of rows (a report's figures, awards): one input per cell. */
  function tableEditor(f, rows, cols, set) {
    rows = rows.map(function (r) { var o = {}; cols.forEach(function (c) { o[c[0]] = r[c[0]] === undefined || r[c[0]] === null ? "" : String(r[c[0]]); }); return o; });
    var fs = el("fieldset", { class: "table-editor" }, [el("legend", { class: "visually-hidden", text: f.label })]);
    var wrapBox = el("div", { class: "table-wrap" });
    var table = el("table", {});
    var head = el("tr", {}, cols.map(function (c) { return el("th", { scope: "col", text: c[1] }); }).concat([el("th", { scope: "col" }, [el("span", { class: "visually-hidden", text: "操作" })])]));
    table.appendChild(el("thead", {}, [head]));
    var tbody = el("tbody", {});
    table.appendChild(tbody);
    function emit() { set(rows.filter(function (r) { return cols.some(function (c) { return String(r[c[0]]).trim() !== ""; }); })); }
    function draw() {
      tbody.textContent = "";
      rows.forEach(function (r, i) {
        var tr = el("tr", {});
        cols.forEach(function (c) {
          var input = el("input", { type: "text", "aria-label": c[1] + "（第 " + (i + 1) + " 行）", inputmode: c[0] === "value" || c[0] === "year" ? "decimal" : null });
          input.value = r[c[0]];
          input.addEventListener("input", function () { r[c[0]] = input.value; emit(); });
          tr.appendChild(el("td", { "data-label": c[1] }, [input]));
        });
        tr.appendChild(el("td", {}, [el("button", { type: "button", class: "quiet small", text: "删除", "aria-label": "删除第 " + (i + 1) + " 行", onclick: function () { rows.splice(i, 1); draw(); emit(); } })]));
        tbody.appendChild(tr);
      });
    }
    draw();
    wrapBox.appendChild(table);
    fs.appendChild(wrapBox);
    fs.appendChild(el("button", { type: "button", class: "quiet small add", text: "添加一行", onclick: function () { var o = {}; cols.forEach(function (c) { o[c[0]] = ""; }); rows.push(o); draw(); tbody.lastChild.querySelector("input").focus(); } }));
    return fs;
  }

  /* ---------- the body ---------- */
  function bodyPane() {
    var ta = el("textarea", { id: "f-body", class: "body", rows: 18, "aria-describedby": "f-body-help f-body-error" });
    ta.value = state.body;
    ta.addEventListener("input", function () { state.body = ta.value; changed(); });
    function insert(before, after, placeholder) {
      var s = ta.selectionStart, e = ta.selectionEnd;
      var sel = ta.value.slice(s, e) || placeholder || "";
      ta.setRangeText(before + sel + (after || ""), s, e, "end");
      ta.focus(); state.body = ta.value; changed();
    }
    function linePrefix(p) {
      var s = ta.selectionStart;
      var start = ta.value.lastIndexOf("\n", s - 1) + 1;
      ta.setRangeText(p, start, start, "end");
      ta.focus(); state.body = ta.value; changed();
    }
    var upload = el("input", { type: "file", id: "upload-file", class: "visually-hidden", tabindex: "-1", "aria-hidden": "true" });
    upload.addEventListener("change", function () { uploadFiles(upload.files, ta); upload.value = ""; });
    function pick(accept) { upload.setAttribute("accept", accept); upload.click(); }
    var tools = el("div", { class: "toolbar", role: "toolbar", "aria-label": "正文格式", "aria-controls": "f-body" }, [
      el("button", { type: "button", text: "标题", title: "插入二级标题", onclick: function () { linePrefix("## "); } }),
      el("button", { type: "button", text: "小标题", title: "插入三级标题", onclick: function () { linePrefix("### "); } }),
      el("button", { type: "button", text: "列表", title: "插入列表项", onclick: function () { linePrefix("- "); } }),
      el("button", { type: "button", text: "编号", title: "插入编号列表项", onclick: function () { linePrefix("1. "); } }),
      el("button", { type: "button", text: "粗体", title: "把选中的文字变成粗体", onclick: function () { insert("**", "**", "粗体文字"); } }),
      el("button", { type: "button", text: "链接本站", title: "链接到本站的其他页面", onclick: function () { pickPage(function (rel, title) { insert("[", "](@/" + rel + ")", title); }); } }),
      el("button", { type: "button", text: "网址", title: "插入网址链接", onclick: function () { var u = prompt("网址（以 https:// 开头）", "https://"); if (u) { insert("[", "](" + u + ")", "链接文字"); } } }),
      el("button", { type: "button", text: "图片", title: "上传并插入图片", onclick: function () { pick("image/*"); } }),
      el("button", { type: "button", text: "附件", title: "上传并插入附件", onclick: function () { pick(""); } })
    ]);
    dropTarget(ta, function (files) { uploadFiles(files, ta); });
    var files = el("p", { class: "help", id: "bundle-files", text: state.files.length ? "这个页面的文件：" + state.files.join("、") : "" });
    return el("div", { class: "field body-field", "data-field": "body" }, [
      el("label", { for: "f-body", class: "label", text: "正文" }),
      el("p", { class: "help", id: "f-body-help", text: "用工具栏加标题、列表和链接；图片和附件也可以直接拖进来。" }),
      tools, ta, upload, files, el("div", { class: "field-error", id: "f-body-error" })
    ]);
  }

  function pickPage(done) {
    var dlg = el("dialog", { class: "picker", "aria-labelledby": "picker-title" });
    var select = el("select", { id: "picker-select", size: 8 });
    meta.pages.forEach(function (p) { select.appendChild(el("option", { value: p[0], text: p[1] + "（" + p[0] + "）" })); });
    if (select.options.length) { select.options[0].selected = true; }
    dlg.appendChild(el("form", { method: "dialog" }, [
      el("h2", { id: "picker-title", text: "链接到哪个页面？" }),
      el("label", { for: "picker-select", text: "页面" }), select,
      el("div", { class: "actions" }, [
        el("button", { type: "submit", class: "primary", value: "ok", text: "插入链接" }),
        el("button", { type: "submit", class: "quiet", value: "cancel", text: "取消" })
      ])
    ]));
    dlg.addEventListener("close", function () {
      if (dlg.returnValue === "ok" && select.value) {
        var p = meta.pages.filter(function (x) { return x[0] === select.value; })[0];
        done(p[0], p[1]);
      }
      dlg.remove();
    });
    document.body.appendChild(dlg);
    dlg.showModal();
  }

  function uploadFiles(list, ta) {
    if (!state.version) { say("请先保存页面，再上传图片或附件。", true); return; }
    Array.prototype.reduce.call(list, function (p, file) {
      return p.then(function () {
        say("正在上传 " + file.name + " ……");
        return file.arrayBuffer().then(function (buf) { return post("upload?" + q({ rel: state.rel, name: file.name }), buf, true); }).then(function (r) {
          if (!r.ok) { say((r.data.message || "上传失败") + (r.data.errors && r.data.errors[0] && r.data.errors[0].hint ? " " + r.data.errors[0].hint : ""), true); return; }
          var oldKey = storeKey(state.rel);
          if (r.data.rel !== state.rel) {
            localStorage.removeItem(oldKey);
            state.rel = r.data.rel;
            history.replaceState(null, "", "#/edit/" + state.rel);
            document.querySelector(".where .path").textContent = "content/" + state.rel;
          }
          state.files.push(r.data.name);
          document.getElementById("bundle-files").textContent = "这个页面的文件：" + state.files.join("、");
          var s = ta.selectionStart;
          var before = ta.value.slice(0, s);
          var gap = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
          var text = gap + r.data.markdown + "\n";
          ta.setRangeText(text, s, ta.selectionEnd, "end");
          state.body = ta.value;
          changed();
          say("已上传 " + r.data.name + "，记得保存。");
        });
      });
    }, Promise.resolve());
  }

  /* ---------- preview ---------- */
  function previewPane() {
    var frame = el("iframe", { id: "preview", title: "正文预览", sandbox: "allow-same-origin" });
    return el("section", { class: "preview", "aria-labelledby": "preview-title" }, [el("h2", { id: "preview-title", text: "预览" }), frame]);
  }

  function showPreview(html, baseHref) {
    var frame = document.getElementById("preview");
    if (!frame) { return; }
    var css = base + "css/site.css";
    frame.srcdoc = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><base href=\"" + baseHref.replace(/"/g, "&quot;") + "\">" +
      "<link rel=\"stylesheet\" href=\"" + css + "\"><title>预览</title></head><body><main class=\"content article-body\" style=\"padding:12px\">" + html + "</main></body></html>";
  }

  function check() {
    if (!state) { return Promise.resolve(); }
    var mine = state;
    return post("check", currentEdit()).then(function (r) {
      if (state !== mine) { return; }
      if (!r.ok) { showErrors([{ field: null, message: r.data.message }], []); return; }
      showErrors(r.data.errors, r.data.warnings);
      showPreview(r.data.html, r.data.base_href);
    });
  }

  function showErrors(errors, warnings) {
    Array.prototype.forEach.call(document.querySelectorAll(".field-error"), function (e) { e.textContent = ""; });
    Array.prototype.forEach.call(document.querySelectorAll("[aria-invalid]"), function (e) { e.removeAttribute("aria-invalid"); });
    var box = document.getElementById("messages");
    if (!box) { return; }
    box.textContent = "";
    var general = [];
    function place(d, cls) {
      var name = d.field;
      var target = name ? document.getElementById((state.raw !== null && state.raw !== undefined ? "raw" : "f-" + name) + "-error") : null;
      if (!target && state.raw !== null && state.raw !== undefined) { target = document.getElementById("raw-error"); }
      var text = d.message + (d.line ? "（第 " + d.line + " 行）" : "") + (d.hint ? " " + d.hint : "");
      if (target) {
        target.appendChild(el("p", { class: cls, text: text }));
        var input = document.getElementById(state.raw !== null && state.raw !== undefined ? "raw" : "f-" + name);
        if (input && cls === "error") { input.setAttribute("aria-invalid", "true"); }
        if (!input) { var fsField = document.querySelector('[data-field="' + name + '"] input'); if (fsField && cls === "error") { fsField.setAttribute("aria-invalid", "true"); } }
      } else { general.push(el("li", { class: cls, text: text })); }
    }
    errors.forEach(function (d) { place(d, "error"); });
    warnings.forEach(function (d) { place(d, "warning"); });
    if (errors.length) {
      box.appendChild(el("div", { class: "notice bad", id: "error-summary" }, [
        el("p", { text: "有 " + errors.length + " 处需要改正才能保存：" }),
        el("ul", {}, errors.map(function (d) {
          var f = d.field && (d.field === "body" ? "正文" : field(d.field) ? field(d.field).label : d.field);
          return el("li", {}, [f ? el("a", { href: "#", onclick: function (e) { e.preventDefault(); var i = document.getElementById("f-" + d.field) || document.querySelector('[data-field="' + d.field + '"] input'); if (i) { i.focus(); } }, text: f }) : null, (f ? "：" : "") + d.message]);
        }))
      ]));
    }
    if (general.length) { box.appendChild(el("ul", { class: "general" }, general)); }
  }

  function errorList(data) {
    var d = el("div", { class: "notice bad" }, [el("p", { text: data.message || "出错了" })]);
    (data.errors || []).forEach(function (e) { d.appendChild(el("p", { text: (e.file ? e.file + (e.line ? ":" + e.line : "") + " " : "") + (e.hint || "") })); });
    return d;
  }

  /* ---------- saving ---------- */
  function save(force) {
    var body = currentEdit();
    body.version = force !== null ? force : state.version;
    say("正在保存……");
    return post("save", body).then(function (r) {
      if (r.status === 200) {
        localStorage.removeItem(storeKey(state.rel));
        var wasNew = !state.version;
        state.version = r.data.version;
        state.url = r.data.url;
        document.getElementById("save-state").textContent = "已保存";
        say("已保存 content/" + state.rel + "。预览网站会自动更新。");
        if (wasNew) {
          render(false, null);
          document.getElementById("save-state").textContent = "已保存";
          say("已保存 content/" + state.rel + "。现在可以上传图片和附件了。");
        }
        return;
      }
      if (r.status === 409 && r.data.outcome === "conflict") { say("没有保存：文件在别处被修改过。", true); showConflict(r.data); return; }
      if (r.status === 422) {
        say("没有保存：有需要改正的地方（见标红的字段）。修改已暂存在本浏览器。", true);
        showErrors(r.data.checked.errors, r.data.checked.warnings);
        var first = document.querySelector('[aria-invalid="true"]');
        if (first) { first.focus(); }
        return;
      }
      say(r.data.message || "保存失败", true);
    });
  }

  function showConflict(data) {
    var old = document.getElementById("conflict");
    if (old) { old.remove(); }
    store();
    var box = el("section", { id: "conflict", class: "conflict", "aria-labelledby": "conflict-title" }, [
      el("h2", { id: "conflict-title", text: "文件在别处被修改过，没有覆盖" }),
      el("p", { text: "你打开表单之后，有人（或别的程序）修改了这个文件。两个版本都保留着：磁盘上的文件没有动，你的修改暂存在本浏览器里。请比较后选择。" }),
      el("div", { class: "versions" }, [
        el("div", {}, [el("h3", { id: "disk-title", text: "磁盘上现在的版本" }), el("textarea", { readonly: true, rows: 14, id: "disk-version", "aria-labelledby": "disk-title" })]),
        el("div", {}, [el("h3", { id: "mine-title", text: "你的版本" }), el("textarea", { readonly: true, rows: 14, id: "mine-version", "aria-labelledby": "mine-title" })])
      ]),
      el("div", { class: "actions" }, [
        el("button", { type: "button", class: "primary", id: "keep-mine", text: "用我的版本覆盖", onclick: function () { box.remove(); save(data.disk_version || null); } }),
        el("button", { type: "button", class: "quiet", id: "take-disk", text: "放弃我的修改，载入磁盘上的版本", onclick: function () { localStorage.removeItem(storeKey(state.rel)); var rel = state.rel; state = null; openPage(rel); } })
      ])
    ]);
    main.insertBefore(box, document.getElementById("messages"));
    document.getElementById("disk-version").value = data.disk_text === null ? "（文件已被删除）" : data.disk_text;
    document.getElementById("mine-version").value = data.mine;
    focusMain(box.querySelector("h2"));
  }

  /* ---------- rename, move, delete ---------- */
  function showRename() {
    var dlg = el("dialog", { class: "picker", "aria-labelledby": "rename-title" });
    var cur = state.rel.replace(/\/index\.md$/, "").replace(/\.md$/, "");
    var sec = cur.indexOf("/") >= 0 ? cur.slice(0, cur.lastIndexOf("/")) : "";
    var name = cur.slice(cur.lastIndexOf("/") + 1);
    var select = el("select", { id: "rename-section" }, [el("option", { value: "", text: "（根目录）", selected: sec === "" })].concat(meta.sections.map(function (s) { return el("option", { value: s[0], text: s[1] + "（" + s[0] + "）", selected: s[0] === sec }); })));
    var input = el("input", { id: "rename-name", type: "text" }); input.value = name;
    var out = el("div", { id: "rename-result", "aria-live": "polite" });
    dlg.appendChild(el("form", { method: "dialog" }, [
      el("h2", { id: "rename-title", text: "改名或移动" }),
      el("p", { text: "链接到这个页面的地方会一起改好；不能自动改的，会列出来，页面不会移动。" }),
      el("div", { class: "field" }, [el("label", { for: "rename-section", text: "栏目" }), select]),
      el("div", { class: "field" }, [el("label", { for: "rename-name", text: "文件名（也是网址名）" }), input]),
      out,
      el("div", { class: "actions" }, [
        el("button", { type: "button", class: "primary", id: "rename-go", text: "移动", onclick: function () {
          post("rename", { from: state.rel, section: select.value, name: input.value }).then(function (r) {
            if (r.ok) {
              localStorage.removeItem(storeKey(state.rel));
              dlg.close(); dlg.remove();
              say("已移动到 content/" + r.data.rel + (r.data.updated.length ? "，并修改了 " + r.data.updated.join("、") + " 里的链接" : ""));
              state = null; location.hash = "#/edit/" + r.data.rel;
              return;
            }
            out.textContent = "";
            out.appendChild(refusal(r.data));
          });
        } }),
        el("button", { type: "submit", class: "quiet", value: "cancel", text: "取消" })
      ])
    ]));
    dlg.addEventListener("close", function () { dlg.remove(); });
    document.body.appendChild(dlg);
    dlg.showModal();
  }

  function refusal(data) {
    var box = el("div", { class: "notice bad refusal" }, [el("p", { text: data.message })]);
    if (data.references && data.references.length) {
      box.appendChild(el("ul", {}, data.references.map(function (r) { return el("li", {}, [el("span", { class: "path", text: r.file + (r.line ? ":" + r.line : "") }), "（" + r.what + "）", el("code", { text: r.source_line })]); })));
    }
    (data.errors || []).forEach(function (e) { box.appendChild(el("p", { text: e.message + (e.hint ? " " + e.hint : "") })); });
    return box;
  }

  function doDelete() {
    if (!confirm("确定删除“" + (state.values.title || state.rel) + "”吗？文件会移到站点文件夹的 .pufa-trash/ 里，需要时可以找回。")) { return; }
    post("delete", { rel: state.rel }).then(function (r) {
      if (r.ok) { localStorage.removeItem(storeKey(state.rel)); state = null; location.hash = "#/"; say("已删除，文件在 " + r.data.trash); return; }
      var box = document.getElementById("messages");
      box.textContent = "";
      box.appendChild(refusal(r.data));
      say("没有删除：还有页面引用它。", true);
    });
  }

  /* ---------- live updates from the preview server ---------- */
  function listen() {
    var es = new EventSource(base + "__pufa/events");
    es.addEventListener("change", function () {
      if (state && document.getElementById("preview")) { check(); } else if (!state && (location.hash === "" || location.hash === "#/")) { showList(); }
    });
  }

  get("meta").then(function (r) {
    if (!r.ok) { main.textContent = ""; main.appendChild(errorList(r.data)); return; }
    meta = r.data;
    document.getElementById("site-title").textContent = meta.title;
    window.addEventListener("hashchange", route);
    route();
    listen();
  });
  window.pufaEditor = { state: function () { return state; }, check: check };
})();
