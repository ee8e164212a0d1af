// Every admin page (templates/admin/base_site.html): names three of Django's own widgets
// (the portal leaves Django's files as shipped), the scripted ones once Django builds them.
// - The two-box selector (filter_horizontal, SelectFilter2.js) names each filter box by a
//   label holding only an empty <span aria-label="在此框中键入以过滤…">: a plain span may
//   not carry a name (axe: aria-prohibited-attr, serious), so the box had none. The span
//   is the magnifier icon: as role="img" its aria-label is allowed and names the label.
// - An autocomplete (select2) names its combobox by the text of the choice alone
//   (aria-labelledby), a span with role="textbox" of its own: left empty, that textbox
//   had no name (axe: aria-input-field-name, serious), nor had the combobox. The field's
//   <label> goes first in the combobox's name ("上级单位: 市场监管局", or "上级单位:" when
//   empty) and the choice's text is plain text, no textbox.
// - A date and time (AdminSplitDateTime) prints 日期: and 时间: as bare text before its two
//   inputs, and the field's <label> points at neither (a pair has no one input to name):
//   they had no name (axe: label, critical). Each is named by the field and its word:
//   "上次登录 日期". (A template can't: Django's form renderer reads only Django's.)
// Loaded deferred, before Django's scripts build the widgets (on DOMContentLoaded and
// load); widgets built later (an inline's row added) are named as they appear too.
(function () {
  "use strict";

  function nameFilterIcons(root) {
    root.querySelectorAll(".selector .search-label-icon[aria-label]:not([role])").forEach(
      function (icon) {
        icon.setAttribute("role", "img");
      }
    );
  }

  function nameComboboxes(root) {
    root.querySelectorAll('.select2-selection[role="combobox"]').forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      if (!select || select.tagName !== "SELECT" || !select.id) {
        return;
      }
      var label = document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
      if (!label) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "_label";
      }
      var ids = (box.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
      if (ids.indexOf(label.id) === -1) {
        box.setAttribute("aria-labelledby", [label.id].concat(ids).join(" "));
      }
      // The choice's text inside is a read-only "textbox" of its own, unnamed: plain text
      // of the combobox's name instead.
      box.querySelectorAll('.select2-selection__rendered[role="textbox"]').forEach(function (text) {
        text.removeAttribute("role");
        text.removeAttribute("aria-readonly");
      });
    });
  }

  function bare(text) {
    return (text || "").trim().replace(/[:：]$/, "");
  }

  function nameDateTimes(root) {
    root.querySelectorAll("p.datetime input").forEach(function (input) {
      var own = input.id && document.querySelector('label[for="' + CSS.escape(input.id) + '"]');
      var word = input.previousSibling;
      if (own || input.hasAttribute("aria-label") || !word || word.nodeType !== Node.TEXT_NODE) {
        return;
      }
      var box = input.closest(".flex-container");
      var field = box && box.querySelector("label");
      var name = [field && bare(field.textContent), bare(word.textContent)].filter(Boolean);
      input.setAttribute("aria-label", name.join(" "));
    });
  }

  function nameWidgets() {
    nameFilterIcons(document);
    nameComboboxes(document);
    nameDateTimes(document);
  }

  // An added element other than a list's options (the two boxes redraw theirs on every
  // key typed into a filter) may be, or hold, a widget just built.
  function widgetsMayHaveChanged(mutations) {
    return mutations.some(function (mutation) {
      return Array.prototype.some.call(mutation.addedNodes, function (node) {
        return node.nodeType === Node.ELEMENT_NODE && node.tagName !== "OPTION";
      });
    });
  }

  new MutationObserver(function (mutations) {
    if (widgetsMayHaveChanged(mutations)) {
      nameWidgets();
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  nameWidgets();
})();
