/*
 * adders_app.js: chapter 3's two adders, answering in the reader's browser.
 *
 * Started by twoplustwo_models.js for the element helpers.string_addition.adders_app wrote.
 * Models (context.model): "seq2seq", the Keras example's LSTM, input float32 [n, 2d+1, 12];
 * "long", the aligned recurrent adder, input float32 [n, steps, 20]. context.config:
 * {digits, reverse, chars, long_limit, example}.
 *
 * The seq2seq box checks a question as helpers/string_addition/seq2seq/data.py
 * check_question does, with the same messages (Python's repr of the question included), then
 * encodes it as encode_questions does: "a+b" with leading zeros dropped, padded with spaces
 * to 2d+1 characters, reversed, one-hot over chars; the answer is the argmax character of
 * each step, spaces trimmed (decode).
 * The long adder checks each number as long_addition.check_number does (surrounding
 * whitespace, e.g. from a paste, is trimmed first, and at most long_limit digits are taken),
 * feeds the digits least significant first, one-hot a next to one-hot b, one extra step,
 * and reads the argmax digit of each step (long_addition.to_strings); BigInt checks the sum.
 *
 * For tests, the element gets element.adder = {add(question) -> Promise of the answer
 * (rejects with the page's message), addLong(a, b) -> Promise of the sum, check(question)}.
 */
(function () {
  "use strict";

  // Python's repr() of a str, for the messages: quotes chosen and escapes written as Python does.
  function pyRepr(text) {
    var quote = text.indexOf("'") >= 0 && text.indexOf('"') < 0 ? '"' : "'";
    var out = "";
    Array.from(text).forEach(function (ch) {
      var code = ch.codePointAt(0);
      if (ch === "\\") out += "\\\\";
      else if (ch === quote) out += "\\" + ch;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
      else out += ch;
    });
    return quote + out + quote;
  }

  function stripZeros(digits) {
    var stripped = digits.replace(/^0+/, "");
    return stripped === "" ? "0" : stripped;
  }

  // check_question(question, digits): the two operands as digit strings, or an Error.
  function checkQuestion(question, digits) {
    if (typeof question !== "string") {
      throw new Error("question must be a string such as '535+61', got " + String(question));
    }
    var text = question.split(" ").join("");
    var match = /^([0-9]+)\+([0-9]+)$/.exec(text);
    if (match === null) {
      var problem;
      var plus = (text.match(/\+/g) || []).length;
      if (text === "") problem = "it is empty";
      else if (plus !== 1) problem = "it has " + plus + " '+' signs (exactly one is allowed)";
      else if (text.indexOf("-") >= 0) problem = "negative numbers are not allowed";
      else {
        var bad = Array.from(new Set(Array.from(text.replace(/[0-9+]/g, "")))).sort();
        problem = bad.length
          ? "it contains " + pyRepr(bad.join("")) + " (allowed: digits 0-9 and one '+')"
          : "an operand is missing";
      }
      throw new Error("question " + pyRepr(question) +
        " is not of the form 'a+b' with non-negative whole numbers: " + problem);
    }
    var operands = [stripZeros(match[1]), stripZeros(match[2])];
    [["first", operands[0]], ["second", operands[1]]].forEach(function (entry) {
      if (entry[1].length > digits) {
        throw new Error("question " + pyRepr(question) + ": the " + entry[0] + " operand has " +
          entry[1].length + " digits; this model supports at most " + digits);
      }
    });
    return operands;
  }

  function encodeQuestion(operands, config) {
    var length = 2 * config.digits + 1;
    var text = (operands[0] + "+" + operands[1]).padEnd(length, " ");
    if (config.reverse) text = Array.from(text).reverse().join("");
    var data = new Float32Array(length * config.chars.length);
    Array.from(text).forEach(function (ch, step) {
      data[step * config.chars.length + config.chars.indexOf(ch)] = 1;
    });
    return {type: "float32", data: data, dims: [1, length, config.chars.length]};
  }

  // The index of the largest of values[start .. start + size) (the first, as numpy's argmax).
  function argmax(values, start, size) {
    var best = 0;
    for (var i = 1; i < size; i++) if (values[start + i] > values[start + best]) best = i;
    return best;
  }

  // check_number(name, value): the digits, or an Error with long_addition's message.
  function checkNumber(name, value, limit) {
    var shown = value.length > 40 ? value.slice(0, 40) + "…" : value;
    if (value === "") throw new Error(name + " must not be empty (allowed: one or more digits 0-9)");
    if (!/^[0-9]+$/.test(value)) {
      var bad = Array.from(new Set(Array.from(value.replace(/[0-9]/g, "")))).sort();
      var hint = bad.indexOf("-") >= 0 ? " (negative numbers are not supported)" : "";
      throw new Error(name + " must hold only the digits 0-9, got " + pyRepr(shown) + " with " +
        pyRepr(bad.join("")) + hint);
    }
    if (value.length > limit) {
      throw new Error(name + " has " + value.length.toLocaleString("en") + " digits; this page adds " +
        "numbers of at most " + limit.toLocaleString("en"));
    }
    return value;
  }

  function encodeLong(a, b) {
    var steps = Math.max(a.length, b.length) + 1;
    var data = new Float32Array(steps * 20);
    for (var t = 0; t < steps; t++) {
      var da = t < a.length ? a.charCodeAt(a.length - 1 - t) - 48 : 0;
      var db = t < b.length ? b.charCodeAt(b.length - 1 - t) - 48 : 0;
      data[t * 20 + da] = 1;
      data[t * 20 + 10 + db] = 1;
    }
    return {type: "float32", data: data, dims: [1, steps, 20]};
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var STYLE = [
    ".tpt-adders{border:1px solid var(--pst-color-border);border-radius:.4rem;padding:.8rem 1rem;",
    "background:var(--pst-color-surface);color:var(--pst-color-text-base);margin:1rem 0}",
    ".tpt-adders h4{margin:.2rem 0 .5rem;font-size:1rem;color:var(--pst-color-text-base)}",
    ".tpt-adders .tpt-row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.3rem 0}",
    ".tpt-adders input,.tpt-adders textarea{font-family:var(--pst-font-family-monospace);",
    "background:var(--pst-color-background);color:var(--pst-color-text-base);",
    "border:1px solid var(--pst-color-border);border-radius:.3rem;padding:.3rem .5rem;",
    "box-sizing:border-box;max-width:100%}",
    ".tpt-adders textarea{width:100%;min-height:3.2rem;resize:vertical;word-break:break-all}",
    ".tpt-adders button{background:var(--pst-color-primary);color:var(--pst-color-background);",
    "border:0;border-radius:.3rem;padding:.35rem .9rem;cursor:pointer}",
    ".tpt-adders button:disabled{opacity:.6;cursor:wait}",
    ".tpt-adders .tpt-out{font-family:var(--pst-font-family-monospace);word-break:break-all;",
    "margin:.3rem 0;min-height:1.4rem;color:var(--pst-color-text-base)}",
    ".tpt-adders .tpt-error{color:var(--pst-color-danger)}",
    ".tpt-adders .tpt-sum{max-height:6.5rem;overflow-y:auto}",
    ".tpt-adders .tpt-muted{color:var(--pst-color-text-muted);font-size:.9rem}",
  ].join("");

  function addStyle() {
    if (document.getElementById("tpt-adders-style")) return;
    var style = element("style", {id: "tpt-adders-style"});
    style.textContent = STYLE;
    document.head.appendChild(style);
  }

  function say(node, text, isError) {
    node.textContent = text;
    node.classList.toggle("tpt-error", Boolean(isError));
  }

  function build(root, config) {
    addStyle();
    var box = element("div", {class: "tpt-adders"});
    box.appendChild(element("h4", {}, "Ask the LSTM (operands of up to " + config.digits + " digits)"));
    var row = element("div", {class: "tpt-row"});
    var question = element("input", {type: "text", value: config.example, "aria-label": "question",
      size: String(2 * config.digits + 8), class: "tpt-question"});
    var ask = element("button", {type: "button", class: "tpt-ask"}, "Add");
    row.appendChild(question);
    row.appendChild(ask);
    box.appendChild(row);
    var answer = element("div", {class: "tpt-out", "aria-live": "polite", role: "status"});
    box.appendChild(answer);

    box.appendChild(element("h4", {}, "Ask the aligned adder (up to " +
      config.long_limit.toLocaleString("en") + " digits each)"));
    var a = element("textarea", {"aria-label": "first number", class: "tpt-a", rows: "2"});
    var b = element("textarea", {"aria-label": "second number", class: "tpt-b", rows: "2"});
    a.value = "9".repeat(60);
    b.value = "1";
    box.appendChild(a);
    box.appendChild(b);
    var longRow = element("div", {class: "tpt-row"});
    var addLongButton = element("button", {type: "button", class: "tpt-add-long"}, "Add");
    var random = element("button", {type: "button", class: "tpt-random"}, "Two random 10,000-digit numbers");
    longRow.appendChild(addLongButton);
    longRow.appendChild(random);
    box.appendChild(longRow);
    var sum = element("div", {class: "tpt-out tpt-sum", "aria-live": "polite", role: "status"});
    box.appendChild(sum);
    var verdict = element("div", {class: "tpt-muted"});
    box.appendChild(verdict);
    root.appendChild(box);
    return {question: question, ask: ask, answer: answer, a: a, b: b, addLong: addLongButton,
      random: random, sum: sum, verdict: verdict};
  }

  function randomDigits(count) {
    var digits = [String(1 + Math.floor(Math.random() * 9))];
    for (var i = 1; i < count; i++) digits.push(String(Math.floor(Math.random() * 10)));
    return digits.join("");
  }

  TwoPlusTwoModels.register("adders", async function (context) {
    var config = context.config;
    var ui = build(context.element, config);

    async function add(text) {
      var operands = checkQuestion(text, config.digits);
      var session = await context.model("seq2seq");
      var outputs = await TwoPlusTwoModels.run(session, {[session.inputNames[0]]: encodeQuestion(operands, config)});
      var probabilities = outputs[session.outputNames[0]].data;
      var size = config.chars.length;
      var written = "";
      for (var step = 0; step < config.digits + 1; step++) written += config.chars[argmax(probabilities, step * size, size)];
      return written.trim();
    }

    async function addLong(first, second) {
      var x = checkNumber("a", String(first).trim(), config.long_limit);
      var y = checkNumber("b", String(second).trim(), config.long_limit);
      var session = await context.model("long");
      var feed = encodeLong(x, y);
      var outputs = await TwoPlusTwoModels.run(session, {[session.inputNames[0]]: feed});
      var probabilities = outputs[session.outputNames[0]].data;
      var steps = feed.dims[1];
      var digits = new Array(steps);
      for (var t = 0; t < steps; t++) digits[steps - 1 - t] = String(argmax(probabilities, t * 10, 10));
      return stripZeros(digits.join(""));
    }

    // Run work() with its button disabled; an error becomes the output's sentence.
    async function guarded(button, output, work) {
      button.disabled = true;
      try {
        await work();
      } catch (error) {
        say(output, error.message, true);
      } finally {
        button.disabled = false;
      }
    }

    function onAsk() {
      return guarded(ui.ask, ui.answer, async function () {
        var text = ui.question.value;
        var result = await add(text);
        var operands = checkQuestion(text, config.digits);
        var truth = (BigInt(operands[0]) + BigInt(operands[1])).toString();
        say(ui.answer, text.trim() + " = " + result + (result === truth ? "  ✓ right" : "  ✗ wrong: it is " + truth));
      });
    }

    function onAddLong() {
      say(ui.sum, "adding…");
      ui.verdict.textContent = "";
      return guarded(ui.addLong, ui.sum, async function () {
        var began = performance.now();
        var result = await addLong(ui.a.value, ui.b.value);
        var seconds = (performance.now() - began) / 1000;
        var truth = (BigInt(ui.a.value.trim()) + BigInt(ui.b.value.trim())).toString();
        say(ui.sum, result);
        ui.verdict.textContent = result.length.toLocaleString("en") + " digits in " + seconds.toFixed(2) +
          " s; " + (result === truth ? "right, digit for digit (checked with BigInt)."
            : "wrong (BigInt says the sum is " + truth.slice(0, 40) + (truth.length > 40 ? "…" : "") + ").");
      });
    }

    ui.ask.addEventListener("click", onAsk);
    ui.question.addEventListener("keydown", function (event) { if (event.key === "Enter") onAsk(); });
    ui.addLong.addEventListener("click", onAddLong);
    ui.random.addEventListener("click", function () {
      ui.a.value = randomDigits(config.long_limit);
      ui.b.value = randomDigits(config.long_limit);
      onAddLong();
    });
    context.element.adder = {
      add: function (text) { return Promise.resolve().then(function () { return add(text); }); },
      addLong: function (first, second) { return Promise.resolve().then(function () { return addLong(first, second); }); },
      check: function (text) { return checkQuestion(text, config.digits); },
    };
  });
})();
