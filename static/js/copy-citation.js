// "Cite this story" (templates/articles/article_detail.html): a Copy button for each style. The
// buttons exist only when this script runs; without it the citations are plain, selectable text.
// No inline script: the Content-Security-Policy allows scripts from this site's files only.
(function () {
  "use strict";

  function announce(status, message) {
    status.textContent = "";  // cleared first, so that a second "Copied" is announced again
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // Without the asynchronous clipboard (an insecure origin, an old browser, a refusal): the text
  // is selected, and copied with the old command where it still works.
  function fallback(node, status) {
    select(node);
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    announce(status, copied ? "Copied" : "Selected: press Ctrl+C (⌘C) to copy");
  }

  function copy(node, status) {
    var text = node.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { announce(status, "Copied"); },
        function () { fallback(node, status); }
      );
    } else {
      fallback(node, status);
    }
  }

  function attach() {
    var block = document.querySelector(".cite");
    if (!block || block.querySelector(".cite-copy")) { return; }
    var status = block.querySelector(".cite-status");
    block.querySelectorAll(".cite-styles dt").forEach(function (label) {
      var text = document.getElementById(label.getAttribute("data-for"));
      if (!text) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cite-copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy " + label.textContent.trim() + " citation");
      button.addEventListener("click", function () { copy(text, status); });
      label.appendChild(button);
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", attach); } else { attach(); }
})();
