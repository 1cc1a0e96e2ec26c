// Enhancements only: every page works without this file.
(function () {
  "use strict";
  // After a form comes back with errors, put keyboard focus on the first field that needs attention.
  var invalid = document.querySelector(".field-invalid input, .field-invalid select, .field-invalid textarea");
  if (invalid) { invalid.focus(); }
  // A conversation opened in the browser counts as read: send its "mark as read" form in the background
  // (without JavaScript the button stays for the reader to press).
  var markRead = document.querySelector("form[data-mark-read]");
  if (markRead && window.fetch) {
    fetch(markRead.action, {
      method: "POST",
      body: new FormData(markRead),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) { if (response.ok) { markRead.hidden = true; } });
  }
})();
