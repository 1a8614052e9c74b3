// Review page: a click on a highlight focuses its item's row; a row's state colours its highlights.
(function () {
  function focusRow(id) {
    const row = document.getElementById("item-" + id);
    if (!row) return;
    document.querySelectorAll("tr.focus, mark.focus").forEach((el) => el.classList.remove("focus"));
    row.classList.add("focus");
    row.scrollIntoView({ block: "center", behavior: "smooth" });
    const first = row.querySelector("button, input, select");
    if (first) first.focus({ preventScroll: true });
  }
  function focusMark(id) {
    const marks = document.querySelectorAll('mark[data-item="' + id + '"]');
    document.querySelectorAll("mark.focus").forEach((el) => el.classList.remove("focus"));
    marks.forEach((m) => m.classList.add("focus"));
    if (marks.length) marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
  }
  function syncStates() {
    document.querySelectorAll("tr.item[data-item]").forEach((row) => {
      const state = row.dataset.state;
      document.querySelectorAll('mark[data-item="' + row.dataset.item + '"]').forEach((m) => {
        m.classList.remove("s-pending", "s-accepted", "s-rejected");
        m.classList.add("s-" + state);
      });
    });
  }
  document.addEventListener("click", (e) => {
    const mark = e.target.closest("#doc-text mark[data-item]");
    if (mark) { focusRow(mark.dataset.item); return; }
    const loc = e.target.closest("a.locate[data-item]");
    if (loc) { e.preventDefault(); focusMark(loc.dataset.item); }
  });
  document.addEventListener("htmx:afterSettle", syncStates);
})();
