// Resumable uploads for <form data-resumable="/…/tai-len">: the chosen file is sent in
// chunks (each an ordinary form with the offset it starts at) with a progress bar. A chunk
// that fails is sent again after a pause, from where the hub says it stands; if the
// connection stays down, choosing the same file again later (even after reloading the
// page) continues the upload instead of starting it over. Then the form itself is sent
// with the upload's id, and the hub imports the file. Without this script the form sends
// the file in one request.
(function () {
  "use strict";

  var PAUSES_MS = [500, 1000, 2000, 4000, 8000, 15000]; // then it waits for staff

  function pausesOf(form) {
    var given = (form.getAttribute("data-pauses") || "").split(",").map(Number).filter(Boolean);
    return given.length ? given : PAUSES_MS;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function storageKey(base, file) {
    return "upload:" + base + ":" + file.name + ":" + file.size + ":" + file.lastModified;
  }

  function remember(key, value) {
    try {
      if (value) {
        window.localStorage.setItem(key, value);
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (ignored) {
      // private browsing: the upload still works, it only cannot outlive the page
    }
  }

  function recalled(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (ignored) {
      return null;
    }
  }

  function pause(ms) {
    return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
  }

  // One request; resolves {status, body} (body parsed JSON or null), rejects on a network error.
  function send(method, url, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("X-CSRF-Token", csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      if (onProgress && xhr.upload) {
        xhr.upload.onprogress = function (event) { onProgress(event.loaded); };
      }
      xhr.onload = function () {
        var parsed = null;
        try { parsed = JSON.parse(xhr.responseText); } catch (ignored) { parsed = null; }
        resolve({ status: xhr.status, body: parsed });
      };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.onabort = function () { reject(new Error("abort")); };
      xhr.send(body);
    });
  }

  function Upload(form) {
    this.form = form;
    this.base = form.getAttribute("data-resumable");
    this.input = form.querySelector("input[type=file]");
    this.bar = form.querySelector("progress");
    this.status = form.querySelector(".upload-status");
    this.button = form.querySelector("button[type=submit]");
  }

  Upload.prototype.say = function (attribute, extra) {
    this.status.textContent = (this.form.getAttribute(attribute) || "") + (extra || "");
  };

  Upload.prototype.show = function (received, size) {
    this.bar.hidden = false;
    this.bar.max = size;
    this.bar.value = received;
    var percent = size ? Math.floor((100 * received) / size) : 100;
    this.say("data-uploading", " " + percent + "%");
  };

  Upload.prototype.fail = function (message) {
    this.status.textContent = message;
    this.status.classList.add("error");
    this.button.disabled = false;
  };

  // Where the hub stands with this file: a remembered upload if it still exists, else a new one.
  Upload.prototype.begin = function (file) {
    var self = this;
    var key = storageKey(self.base, file);
    var known = recalled(key);
    var asked = known
      ? send("GET", self.base + "/" + encodeURIComponent(known), null, null)
      : Promise.resolve({ status: 404, body: null });
    return asked.then(function (answer) {
      if (answer.status === 200 && answer.body && answer.body.size === file.size) {
        self.say("data-resuming");
        return answer.body;
      }
      var fields = new FormData();
      fields.append("name", file.name);
      fields.append("size", String(file.size));
      return send("POST", self.base, fields, null).then(function (started) {
        if (started.status !== 200 || !started.body) {
          throw new Error((started.body && started.body.error) || "HTTP " + started.status);
        }
        remember(key, started.body.id);
        return started.body;
      });
    });
  };

  // Send the chunk starting at state.received; resolves the hub's new state.
  Upload.prototype.chunk = function (file, state) {
    var self = this;
    var end = Math.min(file.size, state.received + state.chunk);
    var fields = new FormData();
    fields.append("offset", String(state.received));
    fields.append("chunk", file.slice(state.received, end), "chunk");
    return send("POST", self.base + "/" + encodeURIComponent(state.id), fields, function (loaded) {
      self.show(Math.min(end, state.received + loaded), file.size);
    }).then(function (answer) {
      if ((answer.status === 200 || answer.status === 409) && answer.body) {
        state.received = answer.body.received;
        return state;
      }
      if (answer.status >= 500 || answer.status === 0) {
        throw new Error("retry");
      }
      var refused = new Error((answer.body && answer.body.error) || "HTTP " + answer.status);
      refused.final = true;
      throw refused;
    });
  };

  // After a failure: wait, ask the hub how far it got, go on from there.
  Upload.prototype.retry = function (file, state, attempt) {
    var self = this;
    var pauses = pausesOf(self.form);
    if (attempt >= pauses.length) {
      self.say("data-paused");
      self.button.disabled = false;
      return Promise.reject(new Error("paused"));
    }
    self.say("data-paused");
    return pause(pauses[attempt]).then(function () {
      return send("GET", self.base + "/" + encodeURIComponent(state.id), null, null);
    }).then(function (answer) {
      if (answer.status === 200 && answer.body) {
        state.received = answer.body.received;
        return self.loop(file, state, attempt + 1);
      }
      if (answer.status === 404) {
        var gone = new Error((answer.body && answer.body.error) || "HTTP 404");
        gone.final = true;
        throw gone;
      }
      return self.retry(file, state, attempt + 1);
    }, function () {
      return self.retry(file, state, attempt + 1);
    });
  };

  Upload.prototype.loop = function (file, state, attempt) {
    var self = this;
    self.show(state.received, file.size);
    if (state.received >= file.size) {
      return Promise.resolve(state);
    }
    return self.chunk(file, state).then(function (next) {
      return self.loop(file, next, 0);
    }, function (error) {
      if (error.final) {
        throw error;
      }
      return self.retry(file, state, attempt);
    });
  };

  Upload.prototype.finish = function (file, state) {
    var self = this;
    self.say("data-checking");
    self.form.querySelector("input[name=upload]").value = state.id;
    var fields = new FormData(self.form);
    fields.delete("file");
    return window.fetch(self.form.action, {
      method: "POST",
      body: fields,
      headers: { "X-CSRF-Token": csrfToken() },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.ok) {
        remember(storageKey(self.base, file), null);
        window.location.assign(response.url);
        return;
      }
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var message = page.querySelector("[role=alert]");
        throw Object.assign(new Error(message ? message.textContent : "HTTP " + response.status), { final: true });
      });
    });
  };

  Upload.prototype.run = function () {
    var self = this;
    var file = self.input.files && self.input.files[0];
    if (!file) {
      return;
    }
    self.status.classList.remove("error");
    self.button.disabled = true;
    self.begin(file).then(function (state) {
      return self.loop(file, state, 0);
    }).then(function (state) {
      return self.finish(file, state);
    }).catch(function (error) {
      if (error.message !== "paused") {
        self.fail(self.form.getAttribute("data-failed") + " " + error.message);
      }
    });
  };

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-resumable]") || event.defaultPrevented) {
      return;
    }
    event.preventDefault();
    new Upload(form).run();
  });
})();
