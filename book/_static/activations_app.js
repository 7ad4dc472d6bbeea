/*
 * activations_app.js: chapter 2's activation explorer, in the reader's browser (no kernel).
 *
 * Started by twoplustwo_models.js for the element that
 * helpers.addition.activation_explorer.show_activation_app wrote. Its one file,
 * context.json("networks"), holds every network's weights as the chapter trained them:
 *   {bits, top, start: {a, b}, networks: [{label, kernel: [[w_a...], [w_b...]], output: [v...]}]}
 * It is fetched (and its SHA-256 checked) when the reader first uses the explorer.
 *
 * The arithmetic is helpers.addition.inspection.forward_steps', in float64:
 *   z_j = w_aj a + w_bj b,  h_j = S(z_j) = (1 + tanh(z_j / 2)) / 2,  output = sum_j v_j h_j.
 *
 * For tests (and the console): element.activations = {load, forward, show, state}.
 *   load()                     Promise of the data (fetched once)
 *   forward(network, a, b)     {z, h, v, v_h, output} for a network index or label (after load)
 *   show({network, a, b})      Promise of the same, after moving the controls and redrawing;
 *                              bad input rejects with the Error whose message the page shows
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";

  function sigmoid(z) {
    return 0.5 * (1 + Math.tanh(0.5 * z));  // as inspection.sigmoid: exact, never overflows
  }

  function forwardSteps(network, a, b) {
    var wa = network.kernel[0], wb = network.kernel[1], v = network.output;
    var z = [], h = [], vh = [], output = 0;
    for (var j = 0; j < v.length; j++) {
      z.push(a * wa[j] + b * wb[j]);
      h.push(sigmoid(z[j]));
      vh.push(v[j] * h[j]);
      output += vh[j];
    }
    return {z: z, h: h, v: v.slice(), v_h: vh, output: output};
  }

  function node(tag, attributes, text) {
    var item = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { item.setAttribute(key, attributes[key]); });
    if (text !== undefined) { item.textContent = text; }
    return item;
  }

  function svgNode(tag, attributes, text) {
    var item = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (key) { item.setAttribute(key, attributes[key]); });
    if (text !== undefined) { item.textContent = text; }
    return item;
  }

  function fixed(value, digits) {
    return (Math.abs(value) < 0.5 * Math.pow(10, -digits) ? 0 : value).toFixed(digits);
  }

  // The diagram: inputs a, b on the left, the hidden units in the middle, the output on the right.
  function draw(svg, network, a, b, steps) {
    var units = network.output.length, rowHeight = 46, height = Math.max(2, units) * rowHeight + 40;
    var xIn = 60, xHidden = 300, xOut = 560, radius = 19;
    svg.setAttribute("viewBox", "0 0 660 " + height);
    svg.textContent = "";
    function y(index, count) { return 20 + (index + 0.5) * (height - 40) / count; }
    var inputs = [[xIn, y(0, 2)], [xIn, y(1, 2)]], output = [xOut, y(0, 1)];
    var hidden = network.output.map(function (_, j) { return [xHidden, y(j, units)]; });
    var largestIn = Math.max.apply(null, network.kernel[0].concat(network.kernel[1]).map(Math.abs)) || 1;
    var largestOut = Math.max.apply(null, network.output.map(Math.abs)) || 1;
    function edge(from, to, weight, largest, title) {
      var line = svgNode("line", {
        x1: from[0], y1: from[1], x2: to[0], y2: to[1],
        "stroke-width": 1 + 4 * Math.abs(weight) / largest,
        style: "stroke: var(" + (weight >= 0 ? "--pst-color-danger" : "--pst-color-primary") + "); stroke-opacity: 0.7",
      });
      line.appendChild(svgNode("title", {}, title + " = " + weight.toFixed(3)));
      svg.appendChild(line);
    }
    hidden.forEach(function (point, j) {
      edge(inputs[0], point, network.kernel[0][j], largestIn, "w_a of unit " + (j + 1));
      edge(inputs[1], point, network.kernel[1][j], largestIn, "w_b of unit " + (j + 1));
      edge(point, output, network.output[j], largestOut, "v of unit " + (j + 1));
    });
    function circle(point, fill, label, title) {
      var group = svgNode("g", {});
      group.appendChild(svgNode("circle", {
        cx: point[0], cy: point[1], r: radius,
        style: "fill: var(--pst-color-primary); fill-opacity: " + fill +
               "; stroke: var(--pst-color-text-base); stroke-width: 1.5",
      }));
      group.appendChild(svgNode("rect", {
        x: point[0] - 17, y: point[1] - 8, width: 34, height: 16, rx: 3,
        style: "fill: var(--pst-color-background); fill-opacity: 0.75",
      }));
      group.appendChild(svgNode("text", {
        x: point[0], y: point[1] + 4, "text-anchor": "middle", "font-size": 12,
        style: "fill: var(--pst-color-text-base)",
      }, label));
      group.appendChild(svgNode("title", {}, title));
      svg.appendChild(group);
    }
    circle(inputs[0], 0.1, String(a), "input a");
    circle(inputs[1], 0.1, String(b), "input b");
    hidden.forEach(function (point, j) {
      circle(point, steps.h[j], fixed(steps.h[j], 2),
             "unit " + (j + 1) + ": z = " + steps.z[j].toFixed(3) + ", h = S(z) = " + steps.h[j].toFixed(4));
      svg.appendChild(svgNode("text", {
        x: point[0] + 30, y: point[1] - 8, "font-size": 11,
        // A halo in the box's colour keeps the label readable where it crosses an edge.
        style: "fill: var(--pst-color-text-base); paint-order: stroke; stroke: var(--pst-color-surface); " +
               "stroke-width: 3px",
      }, "v·h = " + fixed(steps.v_h[j], 2)));
    });
    circle(output, 0.1, fixed(steps.output, 2), "output: the sum of v·h");
    [[xIn, "a, b"], [xHidden, "h = S(w·(a, b))"], [xOut, "Σ v·h"]].forEach(function (heading) {
      svg.appendChild(svgNode("text", {
        x: heading[0], y: 12, "text-anchor": "middle", "font-size": 12, "font-weight": "bold",
        style: "fill: var(--pst-color-text-base)",
      }, heading[1]));
    });
  }

  function slider(name, top) {
    var label = node("label", {style: "display: inline-flex; align-items: center; gap: 0.4em; margin-right: 1.2em"});
    label.appendChild(document.createTextNode(name));
    var input = node("input", {type: "range", min: 0, max: top, step: 1, "aria-label": name});
    var value = node("output", {style: "min-width: 2.5em; font-variant-numeric: tabular-nums"});
    label.appendChild(input);
    label.appendChild(value);
    return {label: label, input: input, value: value};
  }

  TwoPlusTwoModels.register("activations", async function (context) {
    var root = context.element, data = null, loading = null, ui = null, current = null;
    root.style.cssText = "border: 1px solid var(--pst-color-border); border-radius: 6px; padding: 0.8em; " +
      "background: var(--pst-color-surface); color: var(--pst-color-text-base)";
    var status = node("p", {class: "activations-status", style: "margin: 0.4em 0; color: var(--pst-color-text-base)"});
    var begin = node("button", {type: "button", class: "activations-start", style:
      "padding: 0.3em 0.9em; border: 1px solid var(--pst-color-primary); border-radius: 4px; cursor: pointer; " +
      "background: var(--pst-color-background); color: var(--pst-color-primary)"}, "Open the activation explorer");
    root.appendChild(begin);
    root.appendChild(status);

    function fail(error) {
      status.textContent = error.message;
      status.style.color = "var(--pst-color-danger)";
      throw error;
    }

    function load() {
      if (!loading) {
        status.textContent = "Loading the networks' weights…";
        loading = context.json("networks").then(function (loaded) {
          data = loaded;
          build();
          return data;
        }, function (error) {
          loading = null;
          return fail(new Error("The explorer could not load the networks' weights: " + error.message));
        });
      }
      return loading;
    }

    function find(network) {
      var index = typeof network === "number" ? network : data.networks.findIndex(function (item) {
        return item.label === network;
      });
      if (!(Number.isInteger(index) && index >= 0 && index < data.networks.length)) {
        throw new Error("There is no network " + JSON.stringify(network) + "; the page has " +
          data.networks.map(function (item) { return item.label; }).join(", ") + ".");
      }
      return index;
    }

    function checkNumber(name, value) {
      if (!(Number.isInteger(value) && value >= 0 && value <= data.top)) {
        throw new Error(name + " must be a whole number from 0 to " + data.top + " (the networks were trained on sums below " +
          Math.pow(2, data.bits) + "), got " + JSON.stringify(value) + ".");
      }
      return value;
    }

    function forward(network, a, b) {
      if (!data) { throw new Error("The networks are not loaded yet: call load() first."); }
      return forwardSteps(data.networks[find(network)], checkNumber("a", a), checkNumber("b", b));
    }

    function redraw() {
      var index = Number(ui.choice.value), a = Number(ui.a.input.value), b = Number(ui.b.input.value);
      var network = data.networks[index], steps = forwardSteps(network, a, b);
      ui.a.value.textContent = a;
      ui.b.value.textContent = b;
      ui.heading.textContent = a + " + " + b + " = " + (a + b) + "; the " + network.label +
        " network says " + steps.output.toFixed(2) + " (the sum of its v·h)";
      draw(ui.svg, network, a, b, steps);
      status.textContent = "";
      current = {network: network.label, a: a, b: b, steps: steps};
      return steps;
    }

    function build() {
      begin.remove();
      var controls = node("div", {style: "display: flex; flex-wrap: wrap; align-items: center; gap: 0.4em"});
      var choiceLabel = node("label", {style: "margin-right: 1.2em"}, "network ");
      var choice = node("select", {"aria-label": "network", style:
        "background: var(--pst-color-background); color: var(--pst-color-text-base); " +
        "border: 1px solid var(--pst-color-border)"});
      data.networks.forEach(function (item, index) { choice.appendChild(node("option", {value: index}, item.label)); });
      choiceLabel.appendChild(choice);
      var a = slider("a", data.top), b = slider("b", data.top);
      a.input.value = data.start.a;
      b.input.value = data.start.b;
      [choiceLabel, a.label, b.label].forEach(function (item) { controls.appendChild(item); });
      var heading = node("p", {class: "activations-heading", style: "margin: 0.5em 0 0.2em; font-weight: bold"});
      var svg = svgNode("svg", {class: "activations-diagram", width: "100%", role: "img",
                                "aria-label": "the network's values for a + b"});
      root.insertBefore(controls, status);
      root.insertBefore(heading, status);
      root.insertBefore(svg, status);
      ui = {choice: choice, a: a, b: b, heading: heading, svg: svg};
      [choice, a.input, b.input].forEach(function (control) { control.addEventListener("input", redraw); });
      redraw();
    }

    async function show(settings) {
      await load();
      settings = settings || {};
      try {
        var index = find(settings.network === undefined ? Number(ui.choice.value) : settings.network);
        var a = checkNumber("a", settings.a === undefined ? Number(ui.a.input.value) : settings.a);
        var b = checkNumber("b", settings.b === undefined ? Number(ui.b.input.value) : settings.b);
      } catch (error) {
        return fail(error);
      }
      ui.choice.value = String(index);
      ui.a.input.value = a;
      ui.b.input.value = b;
      var steps = redraw();
      return Object.assign({network: data.networks[index].label, a: a, b: b}, steps);
    }

    begin.addEventListener("click", function () { load().catch(function () {}); });
    root.activations = {
      load: load,
      forward: forward,
      show: show,
      state: function () { return current; },
    };
  });
})();
