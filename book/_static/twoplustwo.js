// The ipywidgets embedder (vendor/embed-amd.js) loads its icon fonts from paths it derives
// from the page's address; point both of its guesses at the folder it really lives in.
(function () {
  var here = document.currentScript && document.currentScript.src;
  if (!here) {
    return;
  }
  var vendor = new URL("vendor/", here).href;
  window.__jupyter_widgets_assets_path__ = vendor;
  if (typeof window.require === "undefined") {
    // Read by require.js when it loads (only on pages with widgets).
    // Every @jupyter-widgets module (all defined inside embed-amd.js) then resolves to
    // vendor/, and so do the public paths the embedder's bundles compute from them.
    var folder = vendor.replace(/\/$/, "");
    window.require = { paths: { "@jupyter-widgets/html-manager/dist": folder, "@jupyter-widgets": folder } };
  }
})();

// The embedder typesets widget labels with MathJax 2's MathJax.Hub.Queue; the book loads
// MathJax 3, which has no Hub. Forward those calls to MathJax 3's typesetPromise.
document.addEventListener("DOMContentLoaded", function () {
  if (window.MathJax && !window.MathJax.Hub) {
    window.MathJax.Hub = {
      Queue: function (job) {
        var element = job && job[2];
        if (element && window.MathJax.typesetPromise) {
          window.MathJax.typesetPromise([element]).catch(function () {});
        }
      },
    };
  }
});

// Plotly figures, drawn when the reader comes near them (issue 15 §5: light pages).
// book/_ext/twoplustwo_assets.py makes each figure's Plotly.newPlot script inert
// (type="text/x-twoplustwo-plotly") and loads no plotly.js; the first figure the reader comes
// within a screen of loads vendor/plotly.min.js (one URL for the whole site, so one cached copy),
// then its script runs (or, for a big figure, its script file loads: data-src). Apps that draw
// with plotly call TwoPlusTwo.loadPlotly() (a Promise of window.Plotly).
// TwoPlusTwo.drawFigures() draws every figure at once (tests, printing).
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var plotlyUrl = new URL("vendor/plotly.min.js", here || new URL("_static/", document.baseURI).href).href;
  var INERT = 'script[type="text/x-twoplustwo-plotly"]';
  var loading = null;

  function loadPlotly() {
    if (window.Plotly) {
      return Promise.resolve(window.Plotly);
    }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        // Where require.js is on the page (widgets), plotly.js would define an anonymous AMD
        // module instead of window.Plotly: hide define.amd while plotly.js runs.
        var amd = typeof window.define === "function" ? window.define.amd : undefined;
        if (amd) {
          window.define.amd = undefined;
        }
        var tag = document.createElement("script");
        tag.src = plotlyUrl;
        tag.onload = function () {
          if (amd) {
            window.define.amd = amd;
          }
          resolve(window.Plotly);
        };
        tag.onerror = function () {
          if (amd) {
            window.define.amd = amd;
          }
          loading = null;
          reject(new Error("could not load " + plotlyUrl));
        };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function draw(script) {
    if (!script.isConnected || script.dataset.drawn) {
      return Promise.resolve();
    }
    script.dataset.drawn = "1";
    var live = document.createElement("script");
    return loadPlotly().then(function () {
      if (!script.dataset.src) {
        live.textContent = script.textContent;
        script.replaceWith(live);  // runs now, in the page's global scope
        return;
      }
      // A big figure lives in a file of its own (twoplustwo_assets.py): a classic script, which
      // also loads from file://.
      return new Promise(function (resolve, reject) {
        live.onload = resolve;
        live.onerror = function () { reject(new Error("could not load " + script.dataset.src)); };
        live.src = script.dataset.src;
        script.replaceWith(live);
      });
    }).catch(function (error) {
      var note = document.createElement("p");
      note.className = "twoplustwo-app-status twoplustwo-app-error";
      note.textContent = "This figure could not be drawn: " + error.message + ".";
      (script.isConnected ? script : live).replaceWith(note);
      console.error("twoplustwo:", error.message);
    });
  }

  function drawFigures() {
    return Promise.all(Array.from(document.querySelectorAll(INERT), draw));
  }

  function drawWhenNear() {
    var scripts = Array.from(document.querySelectorAll(INERT));
    if (!scripts.length) {
      return;
    }
    if (typeof IntersectionObserver === "undefined") {
      drawFigures();
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(entry.target.__twoplustwoFigure);
        }
      });
    }, { rootMargin: "100% 0px" });
    scripts.forEach(function (script) {
      var figure = script.parentElement;  // the output's <div>, holding the plot's <div> too
      figure.__twoplustwoFigure = script;
      observer.observe(figure);
    });
  }

  window.TwoPlusTwo = { loadPlotly: loadPlotly, drawFigures: drawFigures };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawWhenNear);
  } else {
    drawWhenNear();
  }
})();
