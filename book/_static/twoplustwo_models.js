/*
 * twoplustwo_models.js: run the book's exported Keras models in the reader's browser.
 *
 * ONNX Runtime Web 1.30.0 (wasm backend, one thread, no special headers) is served from
 * _static/vendor/onnxruntime/ (scripts/fetch_web_assets.py) and loaded on first use. Every
 * model and data file is fetched, its SHA-256 checked with crypto.subtle.digest, and only then
 * used: a file with another hash is refused with an error naming both hashes.
 *
 * The Sphinx extension book/_ext/twoplustwo_models.py adds this script to the pages that show
 * an app (a <div class="twoplustwo-browser-model"> written by helpers.browser.show_browser_model).
 * On such a page it loads _static/<app>_app.js and starts the app in that element (when the reader
 * comes near it: see "When an app starts" below).
 *
 * How to add an app (e.g. chapter 4's "lyrics"):
 *   1. Python (the chapter): export with helpers.browser.export_onnx(model,
 *      site_model_dir("lyrics") / "gene.onnx", samples), then
 *      helpers.browser.show_browser_model("lyrics", models={"gene": path},
 *      files={"vocabulary": json_path}, config={...}).
 *   2. JavaScript: book/_static/lyrics_app.js, a plain script (no modules, no require.js):
 *
 *        TwoPlusTwoModels.register("lyrics", async function (context) {
 *          // context.element: the <div> to draw in (empty when start is called)
 *          // context.config:  the config dict given in Python
 *          // context.model("gene"):       Promise of an ort.InferenceSession (cached)
 *          // context.json("vocabulary"):  Promise of the parsed, hash-checked JSON file
 *          //   (also context.text(name), context.bytes(name) -> ArrayBuffer)
 *          const session = await context.model("gene");
 *          const outputs = await TwoPlusTwoModels.run(session, {
 *            tokens: {type: "int32", data: [3, 17, 5], dims: [1, 3]},
 *          });
 *          const probabilities = outputs[session.outputNames[0]].data;  // Float32Array
 *        });
 *
 *      Errors thrown by start (or its promise) are shown in the element and logged with
 *      console.error, which the browser tests treat as a failure.
 *   3. A test opens the built page in headless Chromium and compares with Python
 *      (tests/browser_support.py has the fixtures; tests/test_browser_runtime.py shows how).
 *
 * API (window.TwoPlusTwoModels):
 *   register(name, start)     an app's start function, called once per element
 *   loadRuntime()             Promise of the ort module (env set: wasm files from vendor/, 1 thread)
 *   loadPlotly()              Promise of window.Plotly, loaded once for the page from vendor/ (pages
 *                             load no plotly.js until a figure or an app needs it)
 *   fetchChecked(url, sha256) Promise of the file's ArrayBuffer; rejects on another hash
 *   loadModel(url, sha256)    Promise of an ort.InferenceSession for a hash-checked .onnx file
 *   run(session, feeds)       Promise of {outputName: ort.Tensor}; a feed is an ort.Tensor or
 *                             {type: "float32"|"int32"|"int64", data: array, dims: [..]}
 *   start(element)            start the app of one element now (the page does it when the
 *                             reader scrolls near the element or touches it, see below)
 *   startAll()                start every app of the page now (tests, the sub-path check)
 *   status(element, text, kind)  a themed line in the element: kind "" | "error"; returns the <p>
 *
 * When an app starts (light pages, issue 15 §5): nothing of an app (its _app.js, ONNX Runtime,
 * models, data) is fetched when the page loads. Each element is started when it comes within
 * about one screen of the viewport (IntersectionObserver) or when the reader moves the pointer,
 * touches or tabs into it, whichever comes first. ONNX Runtime and the apps' scripts are loaded
 * from _static/ by the same absolute URL on every page, and models by their content-named URL,
 * so the browser's cache holds one copy for the whole site.
 *
 * Opened from disk (file://), browsers refuse fetch() and import() of the files next to the page,
 * so no app is started: each element says so in one sentence and names `make serve` instead.
 *
 * Conventions for apps (the element's CSS classes come from twoplustwo.css):
 *   - style with the theme's variables only (--pst-color-background, --pst-color-surface,
 *     --pst-color-text-base, --pst-color-text-muted, --pst-color-border, --pst-color-primary);
 *     put controls in a <div class="twoplustwo-app-controls"> (a wrapping flex row) and status
 *     text in <p class="twoplustwo-app-status"> (or call TwoPlusTwoModels.status);
 *   - show every error as a sentence in the page (status(element, message, "error")), never only
 *     in the console; console.error is for bugs (the browser tests fail on it);
 *   - put the app's functions on the element for tests: element.<app> = {...};
 *   - the element gets data-started, then data-ready (start resolved) or data-failed.
 */
(function () {
  "use strict";

  var script = document.currentScript && document.currentScript.src;
  // _static/, where this file, the vendor folder and the apps live.
  var staticBase = script ? new URL("./", script).href : new URL("_static/", document.baseURI).href;
  var vendor = new URL("vendor/onnxruntime/", staticBase).href;
  var apps = {};        // name -> start function
  var waiting = {};     // name -> [resolve] for apps whose script is still loading
  var runtime = null;   // Promise of the ort module

  function loadRuntime() {
    if (!runtime) {
      // The ES-module build: a classic script would register itself with require.js (loaded
      // on pages with widgets) as an anonymous AMD module instead of defining window.ort.
      runtime = import(vendor + "ort.wasm.min.mjs").then(function (ort) {
        ort.env.wasm.wasmPaths = vendor;
        ort.env.wasm.numThreads = 1;  // threads need cross-origin isolation headers
        return ort;
      });
    }
    return runtime;
  }

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  async function fetchChecked(url, sha256) {
    if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new Error(url + ": no valid SHA-256 given (64 hex digits), refusing to load it");
    }
    if (!window.crypto || !window.crypto.subtle) {
      throw new Error(url + ": cannot check its SHA-256 here (crypto.subtle needs https or localhost)");
    }
    var response = await fetch(url);
    if (!response.ok) {
      throw new Error(url + ": HTTP " + response.status);
    }
    var bytes = await response.arrayBuffer();
    var actual = hex(await window.crypto.subtle.digest("SHA-256", bytes));
    if (actual !== sha256) {
      throw new Error(url + ": SHA-256 mismatch (expected " + sha256 + ", got " + actual + "); refusing to use it");
    }
    return bytes;
  }

  async function loadModel(url, sha256) {
    var checked = fetchChecked(url, sha256);
    var ort = await loadRuntime();
    var bytes = await checked;
    return ort.InferenceSession.create(new Uint8Array(bytes), { executionProviders: ["wasm"] });
  }

  async function run(session, feeds) {
    var ort = await loadRuntime();
    var tensors = {};
    Object.keys(feeds).forEach(function (name) {
      var feed = feeds[name];
      if (feed instanceof ort.Tensor) {
        tensors[name] = feed;
        return;
      }
      var type = feed.type || "float32";
      var data = feed.data;
      if (type === "int64" && !(data instanceof BigInt64Array)) {
        data = BigInt64Array.from(data, function (value) { return BigInt(value); });
      } else if (type === "int32" && !(data instanceof Int32Array)) {
        data = Int32Array.from(data);
      } else if (type === "float32" && !(data instanceof Float32Array)) {
        data = Float32Array.from(data);
      }
      tensors[name] = new ort.Tensor(type, data, feed.dims);
    });
    return session.run(tensors);
  }

  // plotly.js for apps that draw with it: the page's one copy (twoplustwo.js loads it lazily,
  // see there), or, on a page without twoplustwo.js (the tests' bare pages), a script tag.
  var plotly = null;
  function loadPlotly() {
    if (window.TwoPlusTwo && window.TwoPlusTwo.loadPlotly) {
      return window.TwoPlusTwo.loadPlotly();
    }
    if (window.Plotly) {
      return Promise.resolve(window.Plotly);
    }
    if (!plotly) {
      plotly = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = new URL("vendor/plotly.min.js", staticBase).href;
        tag.onload = function () { resolve(window.Plotly); };
        tag.onerror = function () { plotly = null; reject(new Error("could not load " + tag.src)); };
        document.head.appendChild(tag);
      });
    }
    return plotly;
  }

  function register(name, start) {
    if (typeof start !== "function") {
      throw new Error("TwoPlusTwoModels.register(" + name + "): start must be a function");
    }
    apps[name] = start;
    (waiting[name] || []).forEach(function (resolve) { resolve(start); });
    delete waiting[name];
  }

  function appStart(name) {
    if (apps[name]) {
      return Promise.resolve(apps[name]);
    }
    return new Promise(function (resolve, reject) {
      var first = !waiting[name];
      (waiting[name] = waiting[name] || []).push(resolve);
      if (!first) {
        return;
      }
      var tag = document.createElement("script");
      tag.src = new URL(name + "_app.js", staticBase).href;
      tag.onerror = function () { reject(new Error("could not load " + tag.src)); };
      tag.onload = function () {
        if (!apps[name]) {
          reject(new Error(tag.src + " did not call TwoPlusTwoModels.register(\"" + name + "\", start)"));
        }
      };
      document.head.appendChild(tag);
    });
  }

  function context(element, spec) {
    var sessions = {};
    function entry(kind, name) {
      var item = (spec[kind] || {})[name];
      if (!item) {
        throw new Error("app " + spec.app + ": no " + kind.replace(/s$/, "") + " named " + JSON.stringify(name) +
                        " (the page has " + JSON.stringify(Object.keys(spec[kind] || {})) + ")");
      }
      return { url: new URL(item.url, document.baseURI).href, sha256: item.sha256 };
    }
    function file(name) {
      try {
        var item = entry("files", name);
        return fetchChecked(item.url, item.sha256);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return {
      element: element,
      config: spec.config || {},
      model: function (name) {
        if (!sessions[name]) {
          try {
            var item = entry("models", name);
            sessions[name] = loadModel(item.url, item.sha256);
          } catch (error) {
            return Promise.reject(error);
          }
        }
        return sessions[name];
      },
      bytes: file,
      text: function (name) {
        return file(name).then(function (bytes) { return new TextDecoder().decode(bytes); });
      },
      json: function (name) {
        return file(name).then(function (bytes) { return JSON.parse(new TextDecoder().decode(bytes)); });
      },
    };
  }

  //: What a reader who opened the page from disk reads in each app's place.
  var FROM_DISK = ["This app cannot start in a page opened from disk (file://), because browsers do not " +
    "let such a page load the model files beside it: run ", "make serve", " in the book's folder and open " +
    "the address it prints."];
  var SELECTOR = "div.twoplustwo-browser-model[data-spec]";

  function status(element, text, kind) {
    var line = document.createElement("p");
    line.className = "twoplustwo-app-status" + (kind ? " twoplustwo-app-" + kind : "");
    line.textContent = text;
    element.appendChild(line);
    return line;
  }

  function showError(element, error) {
    var text = error && error.message ? error.message : String(error);
    status(element, "The in-browser app could not start: " + text, "error")
      .classList.add("twoplustwo-browser-model-error");
    console.error("twoplustwo_models:", text);
  }

  function fromDisk() {
    return window.location.protocol === "file:";
  }

  async function start(element) {
    if (element.dataset.started) {
      return;
    }
    element.dataset.started = "1";
    element.classList.add("twoplustwo-app");
    if (fromDisk()) {
      element.textContent = "";
      element.dataset.failed = "1";
      var line = status(element, FROM_DISK[0], "error");
      var command = document.createElement("code");
      command.textContent = FROM_DISK[1];
      line.append(command, FROM_DISK[2]);
      line.classList.add("twoplustwo-app-from-disk");
      return;
    }
    var loading = null;
    try {
      var spec = JSON.parse(element.dataset.spec);
      element.textContent = "";  // the note for JupyterLab readers
      loading = status(element, "Loading the in-browser app ...");
      var startApp = await appStart(spec.app);
      loading.remove();
      loading = null;
      await startApp(context(element, spec));
      element.dataset.ready = "1";
    } catch (error) {
      if (loading) {
        loading.remove();
      }
      element.dataset.failed = "1";
      showError(element, error);
    }
  }

  function startAll() {
    return Promise.all(Array.from(document.querySelectorAll(SELECTOR), start));
  }

  // Start each app when the reader comes near it or reaches for it, not when the page loads.
  function startWhenNear() {
    var elements = Array.from(document.querySelectorAll(SELECTOR));
    if (fromDisk() || typeof IntersectionObserver === "undefined") {
      elements.forEach(start);  // from disk: the sentence at once; old browsers: as before
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          start(entry.target);
        }
      });
    }, { rootMargin: "100% 0px" });
    elements.forEach(function (element) {
      element.classList.add("twoplustwo-app");
      element.textContent = "";  // the note for JupyterLab readers
      status(element, "The in-browser app loads when you scroll to it.");
      observer.observe(element);
      ["pointerenter", "touchstart", "focusin"].forEach(function (type) {
        element.addEventListener(type, function () { observer.unobserve(element); start(element); },
                                 { once: true, passive: true });
      });
    });
  }

  window.TwoPlusTwoModels = {
    register: register,
    loadRuntime: loadRuntime,
    loadPlotly: loadPlotly,
    fetchChecked: fetchChecked,
    loadModel: loadModel,
    run: run,
    start: start,
    startAll: startAll,
    status: status,
    staticBase: staticBase,
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startWhenNear);
  } else {
    startWhenNear();
  }
})();
