// The console's only script besides htmx: htmx settings, the CSRF header on htmx requests,
// confirmation prompts and the client-side upload size check. No inline script anywhere
// (the Content-Security-Policy forbids it).
(function () {
  "use strict";
  if (window.htmx) {
    htmx.config.includeIndicatorStyles = false;
    htmx.config.allowEval = false;
    htmx.config.allowScriptTags = false;
    htmx.config.selfRequestsOnly = true;
    htmx.config.historyCacheSize = 0;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  // A session that ended while a page polls: go to the login page.
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 401) {
      window.location.assign("/dang-nhap?tb=het-han");
    }
  });

  // <form data-confirm="…">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  // <input type="file" data-max-bytes="…" data-too-large="…{name}…">: refuse before sending.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) {
      return;
    }
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var message = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (file.size > limit) {
        message = (input.getAttribute("data-too-large") || "").replace("{name}", file.name);
      }
    });
    input.setCustomValidity(message);
    input.reportValidity();
  });
})();
