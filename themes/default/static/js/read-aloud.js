/* 朗读: reads an article aloud with the browser's own speech synthesis and a Chinese voice;
   nothing is sent anywhere. The buttons stay hidden where the browser cannot speak Chinese
   (no speech synthesis, or no zh voice), and without JavaScript. The article is spoken one
   block at a time (a heading, a paragraph, a table row), since some browsers stop long
   utterances; the block being read is highlighted. 暂停 stops at once and remembers the
   block; 继续 reads it again from its start, which works the same in every browser. */
(function () {
  "use strict";
  var box = document.querySelector(".read-aloud");
  var synth = window.speechSynthesis;
  if (!box || !synth || !window.SpeechSynthesisUtterance) { return; }
  var buttons = {};
  ["start", "pause", "resume", "stop"].forEach(function (k) {
    buttons[k] = box.querySelector('[data-read="' + k + '"]');
  });
  var status = box.querySelector(".read-status");
  var voice = null;
  var blocks = [];
  var at = 0;
  var state = "idle";
  var current = null;
  var shown = null;

  function chineseVoice() {
    var zh = (synth.getVoices() || []).filter(function (v) { return /^(zh|cmn)/i.test(v.lang || ""); });
    return zh.filter(function (v) { return /^zh[-_]CN/i.test(v.lang); })[0] || zh[0] || null;
  }

  function showButtons() {
    buttons.start.hidden = state !== "idle";
    buttons.pause.hidden = state !== "playing";
    buttons.resume.hidden = state !== "paused";
    buttons.stop.hidden = state === "idle";
  }

  function offer() {
    if (voice) { return; }
    voice = chineseVoice();
    if (voice) { box.hidden = false; showButtons(); }
  }

  /* The blocks to read: the title, then the innermost text blocks of the article body. */
  function collect() {
    var article = box.closest("article") || document.body;
    var title = article.querySelector("h1");
    var content = article.querySelector(".content");
    var found = content ? Array.prototype.slice.call(
      content.querySelectorAll("h2,h3,h4,h5,h6,p,li,blockquote,caption,tr")) : [];
    var leaves = found.filter(function (el) {
      return !found.some(function (other) { return other !== el && el.contains(other); }) &&
        !el.closest(".footnotes");
    });
    return (title ? [title] : []).concat(leaves).map(function (el) {
      var text = el.tagName === "TR" ?
        Array.prototype.map.call(el.children, function (c) { return c.textContent.trim(); }).join("，") :
        el.textContent;
      return { el: el, text: text.replace(/\s+/g, " ").trim() };
    }).filter(function (b) { return b.text.length > 0; });
  }

  function mark(el) {
    if (shown) { shown.classList.remove("reading"); }
    shown = el;
    if (!el) { return; }
    el.classList.add("reading");
    var r = el.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) { el.scrollIntoView({ block: "center" }); }
  }

  function say(text) { status.textContent = text; }

  function speak(i) {
    at = i;
    if (i >= blocks.length) {
      state = "idle";
      mark(null);
      showButtons();
      say("朗读完毕。");
      return;
    }
    var u = new window.SpeechSynthesisUtterance(blocks[i].text);
    u.lang = voice.lang || "zh-CN";
    u.voice = voice;
    u.rate = 0.9;
    u.onend = u.onerror = function () {
      if (current === u && state === "playing") { speak(i + 1); }
    };
    current = u;
    mark(blocks[i].el);
    synth.speak(u);
  }

  function halt(next) {
    state = next;
    current = null;
    synth.cancel();
    showButtons();
  }

  buttons.start.addEventListener("click", function () {
    blocks = collect();
    synth.cancel();
    state = "playing";
    showButtons();
    say("正在朗读。");
    speak(0);
    buttons.pause.focus();
  });
  buttons.pause.addEventListener("click", function () {
    halt("paused");
    say("已暂停。");
    buttons.resume.focus();
  });
  buttons.resume.addEventListener("click", function () {
    state = "playing";
    showButtons();
    say("继续朗读。");
    speak(at);
    buttons.pause.focus();
  });
  buttons.stop.addEventListener("click", function () {
    halt("idle");
    mark(null);
    at = 0;
    say("已停止朗读。");
    buttons.start.focus();
  });
  window.addEventListener("pagehide", function () { synth.cancel(); });

  offer();
  if (!voice) {
    if (synth.addEventListener) { synth.addEventListener("voiceschanged", offer); } else { synth.onvoiceschanged = offer; }
  }
})();
