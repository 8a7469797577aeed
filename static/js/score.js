/* Score sheets (乡级考评表, 县级抽考): mark a part's reason as required while its score is more than the gap from the
   suggestion (the service checks the same rule on save). The gap comes from the form's data-reason-gap. */
"use strict";

document.querySelectorAll("form[data-reason-gap]").forEach(function (form) {
  var gap = Number(form.dataset.reasonGap);
  form.querySelectorAll(".score-card .part").forEach(function (part) {
    var input = part.querySelector("input.score");
    if (!input) {
      return;
    }
    var suggested = Number(part.dataset.suggested);
    input.addEventListener("input", function () {
      var value = Number(input.value);
      part.classList.toggle("needs-reason", input.value !== "" && !isNaN(value) && Math.abs(value - suggested) > gap);
    });
  });
});
