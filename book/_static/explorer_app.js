/*
 * explorer_app.js: chapter 1's "Your turn" in the static page: train one 2 + 2 network in the
 * reader's browser and redraw its validation-loss curve and 3D error surface.
 *
 * Started by twoplustwo_models.js for the element helpers.addition.explorer.show_browser_explorer
 * wrote. The maths is in addition_trainer.js (loaded on the first Train, ~15 kB); plotly is the
 * page's. The file "check" (hash-checked JSON, fetched on the first Train) holds Python's initial
 * weights and first training pairs for the seeds the chapter ran: the app refuses to train if
 * its generator does not reproduce them.
 *
 * For tests: element.explorer = {train({hidden_units, bits, seed, epochs, patience}) -> Promise of
 * {history: {loss, val_loss}, weights, accuracy, seconds, epochs}}. Bad settings reject with the
 * sentence the page shows.
 */
(function () {
  "use strict";

  var trainerPromise = null;

  function loadTrainer() {
    if (!trainerPromise) {
      trainerPromise = new Promise(function (resolve, reject) {
        if (window.AdditionTrainer) { resolve(window.AdditionTrainer); return; }
        var tag = document.createElement("script");
        tag.src = new URL("addition_trainer.js", TwoPlusTwoModels.staticBase).href;
        tag.onload = function () { resolve(window.AdditionTrainer); };
        tag.onerror = function () { trainerPromise = null; reject(new Error("could not load " + tag.src)); };
        document.head.appendChild(tag);
      });
    }
    return trainerPromise;
  }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "style") { node.style.cssText = attributes[key]; } else { node.setAttribute(key, attributes[key]); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  var BOX = "background: var(--pst-color-surface); color: var(--pst-color-text-base); " +
    "border: 1px solid var(--pst-color-border); border-radius: 0.4rem; padding: 0.8rem 1rem; margin: 1rem 0;";
  var INPUT = "box-sizing: border-box; width: 8.5em; min-height: 2.1em; padding: 0.2em 0.4em; font: inherit; " +
    "background: var(--pst-color-background); color: var(--pst-color-text-base); " +
    "border: 1px solid var(--pst-color-border); border-radius: 0.25rem;";

  function field(label, control) {
    return el("label", { style: "display: inline-flex; flex-direction: column; gap: 0.2em; margin: 0 1em 0.6em 0;" },
      [el("span", { style: "font-size: 0.9em;" }, [label]), control]);
  }

  function select(options, value) {
    var node = el("select", { style: INPUT });
    options.forEach(function (option) {
      var item = el("option", { value: String(option.value) }, [option.label]);
      if (option.value === value) { item.selected = true; }
      node.appendChild(item);
    });
    return node;
  }

  function number(value, min, max) {
    return el("input", { type: "number", value: String(value), min: String(min), max: String(max), step: "1",
      style: INPUT });
  }

  function gridValues(bits, maxPoints) {
    // helpers.addition.networks.grid_pairs: unique(round(linspace(0, half - 1, points))).
    var half = Math.pow(2, bits - 1), points = Math.min(maxPoints, half), values = [];
    if (points < 2) { return [0]; }
    var stepSize = (half - 1) / (points - 1);
    for (var i = 0; i < points; i++) {
      var v = i === points - 1 ? half - 1 : i * stepSize, r = Math.round(v);
      if (r - v === 0.5 && r % 2 !== 0) { r -= 1; }
      if (values.length === 0 || values[values.length - 1] !== r) { values.push(r); }
    }
    return values;
  }

  function surface(trainer, weights, bits, maxPoints) {
    var values = gridValues(bits, maxPoints), n = values.length, x = new Float32Array(2 * n * n);
    for (var i = 0; i < n; i++) {
      for (var j = 0; j < n; j++) { x[2 * (i * n + j)] = values[j]; x[2 * (i * n + j) + 1] = values[i]; }
    }
    var typed = { hidden: Float32Array.from(weights.hidden), output: Float32Array.from(weights.output) };
    var pred = trainer.predict(typed, x, n * n), z = [];
    for (i = 0; i < n; i++) {
      var row = [];
      for (j = 0; j < n; j++) { row.push(Math.abs(pred[i * n + j] - values[i] - values[j])); }
      z.push(row);
    }
    return { a: values, b: values, z: z };
  }

  function themeColour(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  TwoPlusTwoModels.register("explorer", async function (context) {
    var element = context.element, config = context.config;
    var hidden = select(config.hidden_choices.map(function (h) { return { value: h, label: String(h) }; }),
      config.defaults.hidden_units);
    var bitsBox = select(config.bits_choices.map(function (b) { return { value: b, label: String(Math.pow(2, b)) }; }),
      config.defaults.bits);
    var seedBox = number(config.defaults.seed, 0, 2147483647);
    var epochsBox = number(config.defaults.epochs, 1, config.max_epochs);
    var patienceBox = number(config.defaults.patience, 0, config.max_epochs);
    var button = el("button", { type: "button", style: INPUT + " width: auto; padding: 0.2em 1.2em; cursor: pointer; " +
      "background: var(--pst-color-primary); color: var(--pst-color-background); border-color: var(--pst-color-primary);" },
      ["Train"]);
    var status = el("p", { class: "explorer-status", role: "status", "aria-live": "polite",
      style: "margin: 0.4em 0; font-family: var(--pst-font-family-monospace, monospace); font-size: 0.9em;" },
      ["Press Train: the network trains here, in your browser (no Python needed)."]);
    var curve = el("div", { class: "explorer-curve", style: "flex: 1 1 320px; min-width: 280px; height: 380px;" });
    var surfaceDiv = el("div", { class: "explorer-surface", style: "flex: 1 1 320px; min-width: 280px; height: 380px;" });
    element.appendChild(el("div", { class: "explorer-app", style: BOX }, [
      el("div", { style: "display: flex; flex-wrap: wrap; align-items: flex-end;" }, [
        field("hidden units", hidden), field("maximum sum", bitsBox), field("seed", seedBox),
        field("max epochs (≤ " + config.max_epochs + ")", epochsBox), field("patience", patienceBox),
        el("span", { style: "margin: 0 0 0.6em 0;" }, [button]),
      ]),
      status,
      el("div", { style: "display: flex; flex-wrap: wrap; gap: 0.5rem;" }, [curve, surfaceDiv]),
    ]));

    var checked = null;  // Promise of the check file, fetched on first use

    function settingsError(s) {
      var problems = [];
      if (config.hidden_choices.indexOf(s.hidden_units) < 0) {
        problems.push("hidden units must be one of " + config.hidden_choices.join(", "));
      }
      if (config.bits_choices.indexOf(s.bits) < 0) {
        problems.push("the maximum sum must be one of " + config.bits_choices.map(function (b) {
          return Math.pow(2, b); }).join(", "));
      }
      if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 2147483647) {
        problems.push("the seed must be a whole number from 0 to 2147483647");
      }
      if (!Number.isInteger(s.epochs) || s.epochs < 1 || s.epochs > config.max_epochs) {
        problems.push("max epochs must be a whole number from 1 to " + config.max_epochs);
      }
      if (!Number.isInteger(s.patience) || s.patience < 0 || s.patience > config.max_epochs) {
        problems.push("patience must be a whole number from 0 to " + config.max_epochs);
      }
      return problems.length ? "Cannot train: " + problems.join("; ") + "." : null;
    }

    async function verify(trainer, s) {
      // Python's initial weights for this network, if the chapter ran its seed, must be ours.
      if (!checked) {
        checked = context.json("check").catch(function (error) {
          checked = null;
          if (location.protocol === "file:") {
            throw new Error("Opened from disk (file://), this page may not read its files, so the network cannot " +
              "train here: run make serve and open the address it prints.");
          }
          throw error;
        });
      }
      var check = await checked;
      var key = [s.hidden_units, s.bits, s.seed].join(",");
      var expected = check.initial_weights[key];
      if (expected) {
        var ours = trainer.initialWeights(s.hidden_units, s.bits, s.seed);
        var flat = Array.from(ours.hidden).concat(Array.from(ours.output));
        flat.forEach(function (value, i) {
          if (value !== Math.fround(expected[i])) {
            throw new Error("the initial weights differ from Python's for " + key + "; refusing to train");
          }
        });
      }
      var pairs = check.first_pairs[[s.bits, s.seed].join(",")];
      if (pairs) {
        var data = trainer.makePairs(pairs.length / 2, s.bits, s.seed);
        if (Array.from(data.x).join(",") !== pairs.join(",")) {
          throw new Error("the training pairs differ from Python's for maximum sum " + Math.pow(2, s.bits));
        }
      }
    }

    function draw(trainer, s, result) {
      if (!window.Plotly) { return; }
      var text = themeColour("--pst-color-text-base", "#222"), lines = themeColour("--pst-color-border", "#ccc");
      var axis = { gridcolor: lines, zerolinecolor: lines, linecolor: lines };
      var layout = {
        paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", font: { color: text },
        margin: { l: 60, r: 10, t: 40, b: 45 },
      };
      var epochs = result.history.val_loss.map(function (_, i) { return i + 1; });
      Plotly.react(curve, [{ x: epochs, y: result.history.val_loss, mode: "lines", name: "validation loss",
        line: { color: themeColour("--pst-color-primary", "#1f4e79") } }], Object.assign({}, layout, {
        title: { text: s.hidden_units + " hidden, sums below " + Math.pow(2, s.bits) + ": " +
          (100 * result.accuracy).toFixed(1) + "% right", font: { size: 14 } },
        xaxis: Object.assign({ title: { text: "epoch" } }, axis),
        yaxis: Object.assign({ title: { text: "validation loss (MSE)" }, type: "log" }, axis),
      }), { responsive: true, displaylogo: false });
      var grid = surface(trainer, result.weights, s.bits, config.surface_points);
      Plotly.react(surfaceDiv, [{ type: "surface", x: grid.a, y: grid.b, z: grid.z, colorscale: "Viridis",
        showscale: false }], Object.assign({}, layout, {
        title: { text: "|prediction − (a + b)|", font: { size: 14 } }, margin: { l: 0, r: 0, t: 40, b: 0 },
        scene: { xaxis: Object.assign({ title: { text: "a" } }, axis), yaxis: Object.assign({ title: { text: "b" } }, axis),
          zaxis: Object.assign({ title: { text: "|error|" } }, axis) },
      }), { responsive: true, displaylogo: false });
    }

    async function train(settings) {
      var s = Object.assign({}, config.defaults, settings || {});
      var problem = settingsError(s);
      if (problem) { throw new Error(problem); }
      var trainer = await loadTrainer();
      await verify(trainer, s);
      var lastYield = performance.now();
      var result = await trainer.train(Object.assign({}, config.recipe, s, {
        onEpoch: function (epoch, loss, valLoss) {
          var now = performance.now();
          if (now - lastYield < 100) { return null; }
          lastYield = now;
          status.textContent = "training: epoch " + epoch + " of at most " + s.epochs + ", validation loss " +
            valLoss.toPrecision(3);
          return new Promise(function (resolve) { setTimeout(resolve, 0); });
        },
      }));
      draw(trainer, s, result);
      return result;
    }

    function fromForm() {
      return { hidden_units: Number(hidden.value), bits: Number(bitsBox.value), seed: Number(seedBox.value),
        epochs: Number(epochsBox.value), patience: Number(patienceBox.value) };
    }

    var busy = false;
    async function trainFromPage(settings) {
      if (busy) { throw new Error("A network is already training; wait for it to finish."); }
      busy = true;
      button.disabled = true;
      status.style.color = "";
      try {
        var result = await train(settings);
        var stopped = result.epochs < (settings.epochs || config.defaults.epochs) ? " (early stopping)" : "";
        status.textContent = "trained " + result.epochs + " epochs" + stopped + " in " + result.seconds.toFixed(1) +
          " s: " + (100 * result.accuracy).toFixed(1) + "% of " + config.recipe.n_eval +
          " fresh pairs right, final validation loss " + result.history.val_loss[result.history.val_loss.length - 1]
            .toPrecision(3) + ".";
        return result;
      } catch (error) {
        status.style.color = "var(--pst-color-danger, var(--pst-color-text-base))";
        status.textContent = error.message;
        throw error;
      } finally {
        busy = false;
        button.disabled = false;
      }
    }

    button.addEventListener("click", function () {
      trainFromPage(fromForm()).catch(function () { /* the sentence is in the page */ });
    });
    element.explorer = { train: trainFromPage, settingsError: settingsError };
  });
})();
