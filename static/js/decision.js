// Progressive enhancement for the window's decision form: show only the fields of the
// chosen decision (acceptance: its opinion; supplements: a reason per material; decline:
// its reasons and the right authority). Without JavaScript every field shows and the
// server ignores the ones the chosen decision does not use.
(function () {
  "use strict";
  var form = document.querySelector("form[data-decision-form]");
  if (!form) { return; }
  var groups = form.querySelectorAll("[data-decision-fields]");
  var choices = form.querySelectorAll("input[type=radio][name=decision]");

  function chosen() {
    for (var i = 0; i < choices.length; i += 1) {
      if (choices[i].checked) { return choices[i].value; }
    }
    return null;
  }

  function show() {
    var decision = chosen();
    for (var i = 0; i < groups.length; i += 1) {
      groups[i].hidden = groups[i].getAttribute("data-decision-fields") !== decision;
    }
  }

  for (var i = 0; i < choices.length; i += 1) {
    choices[i].addEventListener("change", show);
  }
  show();
}());
