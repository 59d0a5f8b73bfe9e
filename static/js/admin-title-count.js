// The story form's headline: a live character count under the title field (no inline script:
// the Content-Security-Policy allows scripts from this site's files only).
(function () {
  "use strict";
  var LONG = 110; // longer headlines are cut in search results and on social cards
  function attach() {
    var input = document.getElementById("id_title");
    if (!input || document.getElementById("title-count")) { return; }
    var count = document.createElement("div");
    count.id = "title-count";
    count.className = "help newsroom-title-count";
    count.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", "title-count");
    input.insertAdjacentElement("afterend", count);
    function update() {
      var n = input.value.length;
      count.textContent = n + " characters" + (n > LONG ? " — long for search results and social cards (" + LONG + " or fewer reads best)" : "");
      count.classList.toggle("newsroom-title-count--long", n > LONG);
    }
    input.addEventListener("input", update);
    update();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", attach); } else { attach(); }
})();
