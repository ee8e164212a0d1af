// The citizen's application form: show the agent fields only when "委托代办人办理" is
// ticked, and the postal address only for delivery by post. The checkbox's id comes
// from the <script> tag's data-agent-checkbox attribute.
//
// Unticking the agent drops a power of attorney chosen meanwhile (the server refuses
// one without an agent). An error the server found in the agent fields keeps them
// shown, ticked or not, until the box is changed: a hidden error is a dead end.
(function () {
  var agent = document.getElementById(document.currentScript.dataset.agentCheckbox);
  var block = document.getElementById("agent-block");
  var address = document.getElementById("address-block");
  var agentErrors = block.querySelector(".invalid-feedback") !== null;
  function sync() {
    block.hidden = !agent.checked && !agentErrors;
    var post = document.querySelector('input[name="delivery_method"][value="post"]');
    if (address) address.hidden = !(post && post.checked);
  }
  agent.addEventListener("change", function () {
    agentErrors = false;
    if (!agent.checked) {
      block.querySelectorAll('input[type="file"]').forEach(function (input) { input.value = ""; });
    }
    sync();
  });
  document.querySelectorAll('input[name="delivery_method"]').forEach(function (r) { r.addEventListener("change", sync); });
  sync();
})();
