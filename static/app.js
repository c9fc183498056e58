/* CaseFlow 案流 — the few behaviours every page shares. The Content-Security-Policy allows no inline script, so
   buttons declare what they need with data- attributes and this file does it:
     data-confirm="问题"   asks before the button's form is submitted (or the link followed);
     data-print           prints the page;
     form[data-submit-once] disables its submit button once the form is on its way (the server copes anyway). */
(function () {
  "use strict";

  document.addEventListener("click", function (e) {
    var target = e.target instanceof Element ? e.target : null;
    var asking = target && target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.getAttribute("data-confirm"))) {
      e.preventDefault();
      return;
    }
    if (target && target.closest("[data-print]")) {
      window.print();
    }
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) { return; }
    var button = form.querySelector('button[type="submit"]');
    if (!button) { return; }
    if (button.dataset.sent) { e.preventDefault(); return; }
    button.dataset.sent = "1";
    button.textContent = "正在提交…";
  });
})();
