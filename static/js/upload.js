// Progressive enhancement for material uploads: tell the size limit before sending,
// and show a progress bar while the file goes up. Without JavaScript the plain form works.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var input = form.querySelector("input[type=file]");
  var progress = form.querySelector("progress");
  var status = form.querySelector("[data-upload-status]");
  var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);

  function say(text) { status.textContent = text; }

  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    if (maxBytes && file.size > maxBytes) {
      event.preventDefault();
      say(form.getAttribute("data-too-large"));
      input.focus();
      return;
    }
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        progress.hidden = false;
        progress.value = Math.round((e.loaded / e.total) * 100);
        say(form.getAttribute("data-uploading") + " " + progress.value + "%");
      }
    });
    request.addEventListener("load", function () {
      // The server answers as it would without JavaScript: follow its page.
      if (request.responseURL && request.responseURL !== window.location.href) {
        window.location.assign(request.responseURL);
      } else {
        document.open();
        document.write(request.responseText);
        document.close();
      }
    });
    request.addEventListener("error", function () {
      say(form.getAttribute("data-failed"));
      form.querySelector("button[type=submit]").disabled = false;
    });
    form.querySelector("button[type=submit]").disabled = true;
    request.send(new FormData(form));
  });
}());
