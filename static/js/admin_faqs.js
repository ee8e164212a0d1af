// The catalog admin's FAQ editor (catalog/admin_widgets.py): "再添加一条常见问题" copies
// the last row, empty, renumbered; the hidden TOTAL tells the server how many rows came.
(function () {
  "use strict";

  function renumber(row, index) {
    row.querySelectorAll("input, textarea").forEach(function (field) {
      field.name = field.name.replace(/-\d+-(q|a)$/, "-" + index + "-$1");
      field.id = field.id.replace(/_\d+_(q|a)$/, "_" + index + "_$1");
      field.value = "";
    });
    row.querySelectorAll("label").forEach(function (label) {
      label.htmlFor = label.htmlFor.replace(/_\d+_(q|a)$/, "_" + index + "_$1");
    });
    row.querySelectorAll(".faq-number").forEach(function (span) {
      span.textContent = String(index + 1);
    });
  }

  function setUp(editor) {
    var button = editor.querySelector(".faq-add");
    var total = editor.querySelector(".faq-total");
    var list = editor.querySelector(".faq-rows");
    var max = parseInt(editor.dataset.maxRows, 10);
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = list.querySelectorAll(".faq-row");
      if (rows.length >= max) {
        button.disabled = true;
        return;
      }
      var copy = rows[rows.length - 1].cloneNode(true);
      renumber(copy, rows.length);
      list.appendChild(copy);
      total.value = String(rows.length + 1);
      copy.querySelector("input").focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".faq-editor").forEach(setUp);
  });
})();
