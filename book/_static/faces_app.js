/*
 * faces_app.js: chapter 5's conditional face generator, running in the reader's browser.
 *
 * Started by twoplustwo_models.js on the chapter page (see its header). The page's config
 * (written by helpers.browser.show_browser_model in notebooks/05_cartoon_avatars.ipynb):
 *   attributes: {name: [value, ...]}  the generator's attributes, in its input order
 *   names:      {name: [word per value]}  what the dropdowns show (colours by name, not hex)
 *   swatches:   {name: true}  attributes whose values are hex colours, shown as a swatch too
 *   labels:     {name: "shown name"}
 *   noise_dim, size, faces (how many to draw), seed (first noise seed)
 *
 * Styled only with the theme's CSS variables, so light and dark modes both work. The faces
 * are drawn on a canvas that shrinks to the column's width (never wider than the column).
 * The model "generator" takes noise float32[n, noise_dim] and the attributes one-hot,
 * concatenated in that order, float32[n, sum of counts]; it returns float32[n, size, size, 3]
 * in [-1, 1], turned into pixels as Python does: round((x + 1) * 127.5), clipped to 0..255.
 *
 * For tests, the element gets element.facesApp = {generate(noise, codes), lastPixels}:
 * generate runs the generator on given noise (a flat array) and attribute codes
 * ({name: [code per face]}) and returns the uint8 pixels it drew.
 */
(function () {
  "use strict";

  // Seeded normal noise: mulberry32 uniforms, Box-Muller. (Not numpy's generator: Python's
  // and the browser's faces agree for the same noise, which the test passes explicitly.)
  function normals(seed, count) {
    var state = seed >>> 0;
    function uniform() {
      state = (state + 0x6d2b79f5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
    }
    var out = new Float32Array(count);
    for (var i = 0; i < count; i += 2) {
      var radius = Math.sqrt(-2 * Math.log(uniform()));
      var angle = 2 * Math.PI * uniform();
      out[i] = radius * Math.cos(angle);
      if (i + 1 < count) {
        out[i + 1] = radius * Math.sin(angle);
      }
    }
    return out;
  }

  function oneHot(attributes, codes, n) {
    var names = Object.keys(attributes);
    var width = names.reduce(function (sum, name) { return sum + attributes[name].length; }, 0);
    var data = new Float32Array(n * width);
    for (var face = 0; face < n; face++) {
      var offset = 0;
      names.forEach(function (name) {
        var code = codes[name][face];
        if (!(code >= 0 && code < attributes[name].length)) {
          throw new Error("attribute " + name + ": code " + code + " is not in 0.." + (attributes[name].length - 1));
        }
        data[face * width + offset + code] = 1;
        offset += attributes[name].length;
      });
    }
    return { data: data, width: width };
  }

  function toPixels(values) {
    var pixels = new Uint8ClampedArray(values.length);
    for (var i = 0; i < values.length; i++) {
      pixels[i] = Math.min(255, Math.max(0, Math.round((values[i] + 1) * 127.5)));
    }
    return pixels;
  }

  TwoPlusTwoModels.register("faces", async function (context) {
    var config = context.config;
    var attributes = config.attributes;
    var names = Object.keys(attributes);
    var size = config.size;
    var count = config.faces || 8;
    var scale = 3;
    var seed = config.seed || 0;
    var element = context.element;

    // The theme draws HTML outputs on a light panel in dark mode; the app brings its own background.
    element.style.background = "var(--pst-color-background)";
    element.style.color = "var(--pst-color-text-base)";
    element.style.border = "1px solid var(--pst-color-border)";
    element.style.borderRadius = "0.4em";
    element.style.padding = "0.7em";
    var controls = document.createElement("div");
    controls.style.cssText = "display:flex;flex-wrap:wrap;gap:0.5em 1em;align-items:center;margin-bottom:0.6em;" +
      "color:var(--pst-color-text-base)";
    var selects = {};
    names.forEach(function (name) {
      var label = document.createElement("label");
      label.style.cssText = "display:inline-flex;align-items:center;gap:0.35em";
      label.appendChild(document.createTextNode((config.labels || {})[name] || name));
      var select = document.createElement("select");
      select.name = name;
      select.style.cssText = "background:var(--pst-color-background);color:var(--pst-color-text-base);" +
        "border:1px solid var(--pst-color-border);border-radius:0.25em;padding:0.1em 0.3em";
      var words = (config.names || {})[name] || attributes[name];
      attributes[name].forEach(function (value, code) {
        var option = document.createElement("option");
        option.value = String(code);
        option.textContent = words[code];
        select.appendChild(option);
      });
      label.appendChild(select);
      if ((config.swatches || {})[name]) {
        var swatch = document.createElement("span");
        swatch.className = "faces-swatch";
        swatch.style.cssText = "display:inline-block;width:1.1em;height:1.1em;border-radius:0.2em;" +
          "border:1px solid var(--pst-color-border)";
        var paint = function () { swatch.style.background = "#" + attributes[name][Number(select.value)]; };
        select.addEventListener("change", paint);
        paint();
        label.appendChild(swatch);
      }
      controls.appendChild(label);
      selects[name] = select;
    });
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "new faces";
    button.style.cssText = "background:var(--pst-color-surface);color:var(--pst-color-text-base);" +
      "border:1px solid var(--pst-color-border);border-radius:0.25em;padding:0.15em 0.7em;cursor:pointer";
    controls.appendChild(button);
    var canvas = document.createElement("canvas");
    canvas.width = count * (size + 1) * scale;
    canvas.height = size * scale;
    // As wide as it is drawn at most, and never wider than the column.
    canvas.style.cssText = "display:block;width:100%;max-width:" + canvas.width + "px;height:auto;" +
      "image-rendering:pixelated";
    var status = document.createElement("p");
    status.style.cssText = "font-size:0.85em;color:var(--pst-color-text-base)";
    element.appendChild(controls);
    element.appendChild(canvas);
    element.appendChild(status);

    var session = await context.model("generator");
    var app = { lastPixels: null };

    async function generate(noise, codes) {
      var n = noise.length / config.noise_dim;
      var conditions = oneHot(attributes, codes, n);
      var feeds = {};
      feeds[session.inputNames[0]] = { type: "float32", data: Float32Array.from(noise), dims: [n, config.noise_dim] };
      feeds[session.inputNames[1]] = { type: "float32", data: conditions.data, dims: [n, conditions.width] };
      var outputs = await TwoPlusTwoModels.run(session, feeds);
      var pixels = toPixels(outputs[session.outputNames[0]].data);
      draw(pixels, n);
      app.lastPixels = Array.from(pixels);
      return app.lastPixels;
    }

    function draw(pixels, n) {
      var ctx = canvas.getContext("2d");
      ctx.clearRect(0, 0, canvas.width, canvas.height);  // the gaps show the page's own background
      ctx.imageSmoothingEnabled = false;
      var tile = document.createElement("canvas");
      tile.width = size;
      tile.height = size;
      var tileContext = tile.getContext("2d");
      for (var face = 0; face < Math.min(n, count); face++) {
        var image = tileContext.createImageData(size, size);
        for (var p = 0; p < size * size; p++) {
          image.data[4 * p] = pixels[(face * size * size + p) * 3];
          image.data[4 * p + 1] = pixels[(face * size * size + p) * 3 + 1];
          image.data[4 * p + 2] = pixels[(face * size * size + p) * 3 + 2];
          image.data[4 * p + 3] = 255;
        }
        tileContext.putImageData(image, 0, 0);
        ctx.drawImage(tile, face * (size + 1) * scale, 0, size * scale, size * scale);
      }
    }

    async function redraw() {
      var codes = {};
      names.forEach(function (name) {
        codes[name] = new Array(count).fill(Number(selects[name].value));
      });
      var started = performance.now();
      await generate(normals(seed, count * config.noise_dim), codes);
      status.textContent = count + " faces drawn in your browser in " + Math.round(performance.now() - started) +
        " ms (noise seed " + seed + ").";
    }

    function report(error) {
      status.textContent = "Error: " + error.message;
      console.error("faces_app:", error.message);
    }

    names.forEach(function (name) {
      selects[name].addEventListener("change", function () { redraw().catch(report); });
    });
    button.addEventListener("click", function () {
      seed += 1;
      redraw().catch(report);
    });
    app.generate = generate;
    element.facesApp = app;
    await redraw();
  });
})();
