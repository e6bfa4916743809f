// Recording an announcement with the computer's microphone (MediaRecorder), listening to
// it, then sending it to the hub, which makes it a segment like any uploaded file.
// The section <section id="recorder" data-save="/…"> stays inert where the browser cannot
// record (no microphone access, or a page not served over HTTPS).
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function preferredType() {
    var types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
    for (var i = 0; i < types.length; i += 1) {
      if (window.MediaRecorder.isTypeSupported && window.MediaRecorder.isTypeSupported(types[i])) {
        return types[i];
      }
    }
    return "";
  }

  function extensionOf(type) {
    if (type.indexOf("ogg") >= 0) { return ".ogg"; }
    if (type.indexOf("mp4") >= 0) { return ".m4a"; }
    return ".webm";
  }

  function setUp(section) {
    var start = section.querySelector("[data-action=start]");
    var stop = section.querySelector("[data-action=stop]");
    var status = section.querySelector(".record-status");
    var player = section.querySelector("audio");
    var form = section.querySelector("form");
    var recorder = null;
    var pieces = [];
    var recording = null;
    var began = 0;
    var ticker = null;

    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("error", Boolean(isError));
    }

    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      start.disabled = true;
      say(section.getAttribute("data-unsupported"), true);
      return;
    }

    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var type = preferredType();
        recorder = type ? new window.MediaRecorder(stream, { mimeType: type }) : new window.MediaRecorder(stream);
        pieces = [];
        recorder.ondataavailable = function (event) {
          if (event.data && event.data.size) { pieces.push(event.data); }
        };
        recorder.onstop = function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          window.clearInterval(ticker);
          recording = new Blob(pieces, { type: recorder.mimeType || type || "audio/webm" });
          if (player.src) { URL.revokeObjectURL(player.src); }
          player.src = URL.createObjectURL(recording);
          player.hidden = false;
          form.hidden = false;
          say("");
          start.disabled = false;
          stop.disabled = true;
        };
        recorder.start(1000);
        began = Date.now();
        ticker = window.setInterval(function () {
          var seconds = Math.floor((Date.now() - began) / 1000);
          say(section.getAttribute("data-recording") + " " + Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0"));
        }, 500);
        say(section.getAttribute("data-recording") + " 0:00");
        start.disabled = true;
        stop.disabled = false;
        form.hidden = true;
      }, function () {
        say(section.getAttribute("data-denied"), true);
      });
    });

    stop.addEventListener("click", function () {
      if (recorder && recorder.state !== "inactive") { recorder.stop(); }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!recording) { return; }
      var fields = new FormData(form);
      fields.append("csrf", csrfToken());
      fields.append("file", recording, "ghi-am" + extensionOf(recording.type));
      say(section.getAttribute("data-saving"));
      form.querySelector("button[type=submit]").disabled = true;
      window.fetch(section.getAttribute("data-save"), {
        method: "POST",
        body: fields,
        headers: { "X-CSRF-Token": csrfToken() },
        credentials: "same-origin",
      }).then(function (response) {
        if (response.ok) {
          window.location.assign(response.url);
          return;
        }
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var message = page.querySelector("[role=alert]");
          say(message ? message.textContent : "HTTP " + response.status, true);
          form.querySelector("button[type=submit]").disabled = false;
        });
      }, function (error) {
        say(error.message, true);
        form.querySelector("button[type=submit]").disabled = false;
      });
    });
  }

  document.querySelectorAll("section[data-save]").forEach(setUp);
})();
