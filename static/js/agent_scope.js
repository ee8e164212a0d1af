// The agent authorization form (an enterprise's 经办人, online or at a window): the list
// of items to tick, which is long (every item of the catalog, each with its 30-character
// code), shows only while 授权范围 is 指定事项. Without scripts it stays shown. An error
// the server found in the list (指定事项 with none ticked) comes back with 指定事项 chosen,
// so the list is shown with it.
(function () {
  var form = document.getElementById("agent-form");
  if (!form) return;
  var items = form.querySelector("[data-agent-items]");
  var scope = form.querySelectorAll("[data-agent-scope] input[type=radio]");
  if (!items || !scope.length) return;
  function sync() {
    var chosen = form.querySelector("[data-agent-scope] input[type=radio]:checked");
    items.hidden = !(chosen && chosen.value === "chosen");
  }
  scope.forEach(function (radio) { radio.addEventListener("change", sync); });
  sync();
})();
