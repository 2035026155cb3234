// Filters the commune list as one types, without diacritics ("my tho"
// finds "Phường Mỹ Tho"); the page works the same without it (the search
// button asks the server).
(function () {
  "use strict";
  var summary = document.getElementById("loi");
  if (summary) summary.focus(); // what to fix, read first
  var q = document.getElementById("q"), sel = document.getElementById("f-unit_code"),
      count = document.getElementById("q-count"), form = document.getElementById("tim-xa");
  if (!q || !sel || !count || !form) return;
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  var all = Array.prototype.slice.call(sel.options, 1).map(function (o) {
    return { o: o, words: fold(o.text).split(/[^a-z0-9]+/), own: fold(o.text.split(" (")[0]).split(/\s+/) };
  });
  function has(words, w) {
    for (var i = 0; i < words.length; i++) if (words[i].indexOf(w) === 0) return true;
    return false;
  }
  function every(words, ws) {
    for (var i = 0; i < ws.length; i++) if (!has(words, ws[i])) return false;
    return true;
  }
  function filter() {
    var ws = fold(q.value).split(/[^a-z0-9]+/).filter(Boolean), keep = sel.value, first = [], rest = [];
    all.forEach(function (u) {
      if (!ws.length || every(u.own, ws)) first.push(u.o);
      else if (every(u.words, ws)) rest.push(u.o);
    });
    var shown = first.concat(rest);
    while (sel.options.length > 1) sel.remove(1);
    shown.forEach(function (o) { sel.add(o); });
    sel.value = keep;
    if (sel.selectedIndex < 1 && shown.length === 1) sel.value = shown[0].value;
    count.textContent = !ws.length ? "" : shown.length ?
      "Có " + shown.length + " xã, phường khớp. Chọn trong danh sách bên dưới." :
      "Không có xã, phường nào khớp. Hãy thử tên khác.";
  }
  q.addEventListener("input", filter);
  form.addEventListener("submit", function (e) { e.preventDefault(); filter(); sel.focus(); });
})();
