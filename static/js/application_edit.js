// The citizen's application form: show the agent fields only when "委托代办人办理" is
// ticked, and the postal address only for delivery by post. The checkbox's id comes
// from the <script> tag's data-agent-checkbox attribute.
(function () {
  var agent = document.getElementById(document.currentScript.dataset.agentCheckbox);
  var block = document.getElementById("agent-block");
  var address = document.getElementById("address-block");
  function sync() {
    block.hidden = !agent.checked;
    var post = document.querySelector('input[name="delivery_method"][value="post"]');
    if (address) address.hidden = !(post && post.checked);
  }
  agent.addEventListener("change", sync);
  document.querySelectorAll('input[name="delivery_method"]').forEach(function (r) { r.addEventListener("change", sync); });
  sync();
})();
