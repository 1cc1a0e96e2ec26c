// Enhancements only: every page works without this file.
(function () {
  "use strict";
  // After a form comes back with errors, put keyboard focus on the first field that needs attention.
  var invalid = document.querySelector(".field-invalid input, .field-invalid select, .field-invalid textarea");
  if (invalid) { invalid.focus(); }
})();
