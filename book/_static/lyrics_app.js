/*
 * lyrics_app.js: chapter 4's lyrics generator, running in the reader's browser.
 *
 * Started by twoplustwo_models.js for the element helpers.browser.show_browser_model("lyrics", ...)
 * wrote. Models: one ONNX file per network (context.model("gene"), ...), each with its
 * vocabulary (context.json("gene_vocabulary"): {words, window, newline, oov, apostrophes}).
 *
 * Tokenization is the four steps of helpers/lyrics/text.py, in the same order:
 *   1. lower-case; 2. typographic apostrophes -> ', \r\n and \r -> \n;
 *   3. every run of characters that is not a letter, digit, ' or \n -> one space;
 *   4. \n -> the word "¶", split on whitespace.
 * Unknown words of the seed are dropped; the last `window` words are read (left-padded with 0).
 * Randomness is the temperature of helpers/lyrics/generation.py: 0 = the most likely word
 * (argmax, first maximum as numpy), otherwise p^(1/randomness) renormalised in float64
 * (exp of shifted log-probabilities, so tiny values do not overflow); padding (id 0) and
 * [UNK] (id 1) are never written.
 *
 * Colours come only from the theme's CSS variables (--pst-color-*), so the app follows the
 * book's light and dark modes.
 *
 * For tests, the element gets element.lyrics = {tokenize, encode, probabilities, generate}.
 */
(function () {
  "use strict";

  var MAX_WORDS = 500;

  function tokenize(text, newline, apostrophes) {
    newline = newline || "\u00b6";
    apostrophes = apostrophes || "\u2019\u2018\u02bc`\u00b4";
    var apostropheClass = new RegExp("[" + apostrophes.replace(/[\\\]^-]/g, "\\$&") + "]", "g");
    var standard = String(text)
      .toLowerCase()
      .replace(apostropheClass, "'")
      .replace(/\r\n?/g, "\n")
      .replace(/[^\p{L}\p{N}'\n]+/gu, " ")
      .replace(/\n/g, " " + newline + " ");
    return standard.split(/\s+/).filter(function (word) { return word.length > 0; });
  }

  function makeNetwork(name, session, vocabulary) {
    var index = new Map();
    vocabulary.words.forEach(function (word, i) { index.set(word, i); });
    var windowSize = vocabulary.window;

    function encode(seedText) {
      if (typeof seedText !== "string" || seedText.trim() === "") {
        throw new Error("The seed text is empty: type a few words to start the lyrics from, e.g. \"hello world\".");
      }
      var ids = tokenize(seedText, vocabulary.newline, vocabulary.apostrophes)
        .map(function (word) { return index.has(word) ? index.get(word) : 1; })
        .filter(function (id) { return id > 1; });
      if (ids.length === 0) {
        throw new Error("None of the seed's words is known to " + name + " (it knows " +
          (vocabulary.words.length - 2) + " words, e.g. " + vocabulary.words.slice(3, 9).join(", ") + ").");
      }
      return ids;
    }

    function lastWindow(ids) {
      var row = new Int32Array(windowSize);
      var tail = ids.slice(-windowSize);
      row.set(tail, windowSize - tail.length);
      return row;
    }

    async function probabilities(ids) {
      var outputs = await TwoPlusTwoModels.run(session, (function () {
        var feeds = {};
        feeds[session.inputNames[0]] = {type: "int32", data: lastWindow(ids), dims: [1, windowSize]};
        return feeds;
      })());
      return outputs[session.outputNames[0]].data;  // Float32Array
    }

    function choose(probs, randomness) {
      var size = probs.length, best = 2, i;
      if (randomness === 0) {
        for (i = 3; i < size; i++) { if (probs[i] > probs[best]) { best = i; } }
        return best;
      }
      var logs = new Float64Array(size), top = -Infinity;
      for (i = 2; i < size; i++) {
        logs[i] = Math.log(probs[i]) / randomness;  // log(0) = -Infinity: never drawn
        if (logs[i] > top) { top = logs[i]; }
      }
      var weights = new Float64Array(size), total = 0;
      for (i = 2; i < size; i++) { weights[i] = Math.exp(logs[i] - top); total += weights[i]; }
      var target = Math.random() * total, running = 0;
      for (i = 2; i < size; i++) {
        running += weights[i];
        if (running > target) { return i; }
      }
      return best;
    }

    async function generate(seedText, words, randomness) {
      if (!(typeof randomness === "number" && isFinite(randomness) && randomness >= 0 && randomness <= 100)) {
        throw new Error("Randomness must be a number from 0 to 100 (the slider: 0 to 2), got " + randomness + ".");
      }
      if (!(Number.isInteger(words) && words >= 1 && words <= MAX_WORDS)) {
        throw new Error("Length must be a whole number of words from 1 to " + MAX_WORDS + ", got " + words + ".");
      }
      var ids = encode(seedText), written = [];
      var started = performance.now();
      for (var step = 0; step < words; step++) {
        var next = choose(await probabilities(ids), randomness);
        ids.push(next);
        written.push(vocabulary.words[next]);
      }
      return {words: written, seconds: (performance.now() - started) / 1000};
    }

    return {name: name, vocabulary: vocabulary, encode: encode, probabilities: probabilities, generate: generate};
  }

  function detokenize(words, newline) {
    return words.join(" ").split(" " + newline + " ").join("\n")
      .split(newline + " ").join("\n").split(" " + newline).join("\n").split(newline).join("\n");
  }

  // The theme's colours for each part of the app (pydata-sphinx-theme sets these variables for
  // both modes; nothing here names a colour of its own).
  var CONTROL = "background-color: var(--pst-color-surface); color: var(--pst-color-text-base); " +
    "border: 1px solid var(--pst-color-border); border-radius: 0.25rem; padding: 0.1rem 0.3rem;";
  var STYLES = {
    app: "background-color: var(--pst-color-background); color: var(--pst-color-text-base); " +
      "border: 1px solid var(--pst-color-border); border-radius: 0.5rem; padding: 0.5rem 1rem;",
    control: CONTROL,
    slider: "accent-color: var(--pst-color-primary); vertical-align: middle;",
    button: "background-color: var(--pst-color-primary); color: var(--pst-color-background); " +
      "border: 1px solid var(--pst-color-primary); border-radius: 0.25rem; padding: 0.1rem 0.8rem; cursor: pointer;",
    output: "white-space: pre-wrap; min-height: 6em; background-color: var(--pst-color-surface); " +
      "color: var(--pst-color-text-base); border: 1px solid var(--pst-color-border); " +
      "border-radius: 0.25rem; padding: 0.5rem;",
    status: "color: var(--pst-color-text-base); margin-bottom: 0;",
  };

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  TwoPlusTwoModels.register("lyrics", async function (context) {
    var config = context.config || {};
    var names = config.networks || {gene: "Gene Lyrica One"};
    var root = context.element;
    var form = element("div", {"class": "lyrics-app", style: STYLES.app});
    var seed = element("input", {"class": "lyrics-seed", type: "text", value: config.seed_text || "hello world",
                                 "aria-label": "Seed text", size: "40", style: STYLES.control});
    var slider = element("input", {"class": "lyrics-randomness", type: "range", min: "0", max: "2", step: "0.05",
                                   value: String(config.randomness === undefined ? 0.3 : config.randomness),
                                   "aria-label": "Randomness", style: STYLES.slider});
    var sliderValue = element("span", {"class": "lyrics-randomness-value"}, slider.value);
    var length = element("input", {"class": "lyrics-words", type: "number", min: "1", max: String(MAX_WORDS),
                                   value: String(config.words || 60), "aria-label": "Words", style: STYLES.control});
    var chooser = element("select", {"class": "lyrics-network", "aria-label": "Network", style: STYLES.control});
    Object.keys(names).forEach(function (key) { chooser.appendChild(element("option", {value: key}, names[key])); });
    var button = element("button", {"class": "lyrics-generate", type: "button", style: STYLES.button}, "Generate");
    var output = element("pre", {"class": "lyrics-output", style: STYLES.output});
    var status = element("p", {"class": "lyrics-status", style: STYLES.status}, "Loading the networks ...");
    var row1 = element("p"), row2 = element("p");
    row1.append("Seed text ", seed);
    row2.append("Randomness ", slider, " ", sliderValue, "   Words ", length, "   Network ", chooser, " ", button);
    form.append(row1, row2, output, status);
    root.appendChild(form);

    var networks = {};
    for (var key of Object.keys(names)) {
      var loaded = await Promise.all([context.model(key), context.json(key + "_vocabulary")]);
      networks[key] = makeNetwork(names[key], loaded[0], loaded[1]);
    }
    root.lyrics = {
      tokenize: tokenize,
      networks: networks,
      encode: function (key, text) { return networks[key].encode(text); },
      probabilities: async function (key, ids) { return Array.from(await networks[key].probabilities(ids)); },
      generate: function (key, text, words, randomness) { return networks[key].generate(text, words, randomness); },
    };
    status.textContent = "Ready.";

    slider.addEventListener("input", function () { sliderValue.textContent = Number(slider.value).toFixed(2); });
    button.addEventListener("click", async function () {
      var network = networks[chooser.value];
      button.disabled = true;
      status.textContent = "Writing ...";
      try {
        var result = await network.generate(seed.value, Number(length.value), Number(slider.value));
        output.textContent = seed.value.trim() + " " + detokenize(result.words, network.vocabulary.newline);
        var rate = result.words.length / Math.max(result.seconds, 1e-6);
        output.dataset.wordsPerSecond = String(rate);
        status.textContent = result.words.length + " words in " + result.seconds.toFixed(2) + " s (" +
          rate.toFixed(0) + " words per second), written by " + network.name + " in your browser.";
      } catch (error) {
        output.textContent = "";
        status.textContent = error.message;  // bad input: a message for the reader, not a console error
      } finally {
        button.disabled = false;
      }
    });
  });

  if (typeof window !== "undefined") { window.TwoPlusTwoLyricsTokenize = tokenize; }
})();
