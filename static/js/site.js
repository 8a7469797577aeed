/* Behaviour shared by every page. The Content-Security-Policy lets scripts come only from our static files, so
   pages ask for behaviour with data- attributes instead of inline handlers. */
"use strict";

// <select data-autosubmit>: send its form when the choice changes (the language switch; a <noscript> button
// does the same without JavaScript).
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () {
    select.form.submit();
  });
});

// <button data-confirm="question">: ask before the button submits its form.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// The menu button of narrow screens (the stylesheet shows it below 760 px): the menu folds behind it. Without
// JavaScript the button stays hidden and the menu stays open.
(function () {
  var button = document.querySelector(".menu-toggle");
  var menu = document.getElementById("main-menu");
  if (!button || !menu) { return; }
  document.documentElement.classList.add("has-menu-toggle");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);
  });
}());
