/*
 * addition_trainer.js: chapter 1's 2 + 2 network trained in the reader's browser, in plain
 * JavaScript, step for step as the book's Python trains it (helpers.addition.networks).
 *
 * Why no library. The four candidates and what decided against them:
 *   - TensorFlow.js has had no stable release since 4.22.0 (October 2024), and its Adam adds
 *     epsilon to the bias-corrected sqrt(v-hat), not to sqrt(v) as Keras 3 does, so it cannot
 *     follow Keras step for step.
 *   - ONNX Runtime Web (which the book already serves for inference) dropped its training build
 *     in 1.20.
 *   - TensorFlow Playground, which trains bigger networks than ours in a static page, writes its
 *     own small network code too.
 * The network here is Input(2) -> Dense(h, sigmoid, no bias) -> Dense(1, no bias): a few dozen
 * weights, whose forward pass, gradient and Adam update fit in this one small file, with no
 * download beyond it.
 *
 * What it reproduces exactly (tests/test_explorer_app.py compares with numpy and Keras):
 *   - numpy's random numbers: SeedSequence and PCG64 (np.random.default_rng), so the training
 *     pairs (make_pairs), the scoring pairs (seed EVAL_SEED + seed), the initial weights
 *     (initial_weights: Glorot uniform from default_rng([seed, h, bits])) and every epoch's
 *     shuffle (default_rng([seed, h, bits, 1]).permutation) are the Python ones, bit for bit;
 *   - Keras 3's Adam in float32 (every operation rounded with Math.fround): m += (g - m)(1 - b1),
 *     v += (g^2 - v)(1 - b2), step lr * sqrt(1 - b2^t) / (1 - b1^t), epsilon 1e-7 added to sqrt(v);
 *   - mean squared error, batch 32, the last 20% of the pairs validating, early stopping on the
 *     validation loss with Keras' rules (patience, first epoch counts as best, best weights kept).
 * The hidden units' inputs and outputs are rounded to float32 as TensorFlow holds them (above
 * all TensorFlow's sigmoid, exactly 1 for a saturated unit, whose derivative is then 0); the sums
 * over units and over the batch run in float64 and are rounded to float32 before Adam. So the
 * gradients agree with TensorFlow's float32 ones to rounding, not bit for bit.
 *
 * Exports window.AdditionTrainer (and module.exports under Node) = {
 *   SeedSequence, PCG64, makePairs, initialWeights, permutation, train, predict, accuracy,
 *   checkSettings, tableExp, SATURATED, VANISHED }.
 */
(function (root) {
  "use strict";

  var EVAL_SEED = 1000000;
  var MAX_BITS = 24;

  // ------------------------------------------------------------------ numpy's SeedSequence

  function u32(x) { return x >>> 0; }

  function uint32Words(entropy) {
    // numpy's _coerce_to_uint32_array: each integer becomes its 32-bit words, low first.
    var words = [];
    entropy.forEach(function (n) {
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new Error("seed material must be non-negative integers, got " + n);
      }
      if (n === 0) { words.push(0); }
      while (n > 0) { words.push(n % 4294967296); n = Math.floor(n / 4294967296); }
    });
    return words;
  }

  function SeedSequence(entropy) {
    var words = uint32Words(Array.isArray(entropy) ? entropy : [entropy]);
    var hashConst = 0x43b0d7e5;
    function hashmix(value) {
      value = u32(value ^ hashConst);
      hashConst = Math.imul(hashConst, 0x931e8875) >>> 0;
      value = Math.imul(value, hashConst) >>> 0;
      return u32(value ^ (value >>> 16));
    }
    function mix(x, y) {
      var result = u32(Math.imul(0xca01f9dd, x) - Math.imul(0x4973f715, y));
      return u32(result ^ (result >>> 16));
    }
    var pool = [0, 0, 0, 0];
    for (var i = 0; i < 4; i++) { pool[i] = hashmix(i < words.length ? words[i] : 0); }
    for (var src = 0; src < 4; src++) {
      for (var dst = 0; dst < 4; dst++) {
        if (src !== dst) { pool[dst] = mix(pool[dst], hashmix(pool[src])); }
      }
    }
    for (src = 4; src < words.length; src++) {
      for (dst = 0; dst < 4; dst++) { pool[dst] = mix(pool[dst], hashmix(words[src])); }
    }
    this.pool = pool;
  }

  SeedSequence.prototype.generateState = function (nWords) {
    var hashConst = 0x8b51f9dd, state = [];
    for (var i = 0; i < nWords; i++) {
      var value = u32(this.pool[i % 4] ^ hashConst);
      hashConst = Math.imul(hashConst, 0x58f38ded) >>> 0;
      value = Math.imul(value, hashConst) >>> 0;
      state.push(u32(value ^ (value >>> 16)));
    }
    return state;
  };

  // ------------------------------------------------------------------ numpy's PCG64

  // 128-bit numbers as 8 limbs of 16 bits, least significant first.
  var MULTIPLIER = limbsOf(BigInt("0x2360ED051FC65DA44385DF649FCCF645"));

  function limbsOf(big) {
    var limbs = new Array(8);
    for (var i = 0; i < 8; i++) { limbs[i] = Number((big >> BigInt(16 * i)) & BigInt(0xffff)); }
    return limbs;
  }

  function PCG64(seedMaterial) {
    var words = new SeedSequence(seedMaterial).generateState(8);
    function u64(k) { return (BigInt(words[2 * k + 1]) << BigInt(32)) | BigInt(words[2 * k]); }
    var initState = (u64(0) << BigInt(64)) | u64(1);
    var initSeq = (u64(2) << BigInt(64)) | u64(3);
    var mask = (BigInt(1) << BigInt(128)) - BigInt(1);
    this.inc = limbsOf(((initSeq << BigInt(1)) | BigInt(1)) & mask);
    this.state = new Float64Array(8);
    this.hi = 0;
    this.lo = 0;
    this.step();
    this.state = Float64Array.from(limbsOf((BigInt("0x" + this.hex()) + initState) & mask));
    this.step();
    this.hasUint32 = false;
    this.uint32 = 0;
  }

  PCG64.prototype.hex = function () {
    return Array.from(this.state).reverse().map(function (l) { return l.toString(16).padStart(4, "0"); }).join("");
  };

  PCG64.prototype.step = function () {
    // state = state * MULTIPLIER + inc (mod 2^128), column by column with carries (unrolled:
    // this runs 4 million times in 1000 epochs of shuffles).
    var s = this.state, c = MULTIPLIER, n = this.inc;
    var s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], s4 = s[4], s5 = s[5], s6 = s[6], s7 = s[7];
    var acc, carry;
    acc = n[0] + s0 * c[0];
    carry = Math.floor(acc / 65536);
    s[0] = acc - carry * 65536;
    acc = carry + n[1] + s0 * c[1] + s1 * c[0];
    carry = Math.floor(acc / 65536);
    s[1] = acc - carry * 65536;
    acc = carry + n[2] + s0 * c[2] + s1 * c[1] + s2 * c[0];
    carry = Math.floor(acc / 65536);
    s[2] = acc - carry * 65536;
    acc = carry + n[3] + s0 * c[3] + s1 * c[2] + s2 * c[1] + s3 * c[0];
    carry = Math.floor(acc / 65536);
    s[3] = acc - carry * 65536;
    acc = carry + n[4] + s0 * c[4] + s1 * c[3] + s2 * c[2] + s3 * c[1] + s4 * c[0];
    carry = Math.floor(acc / 65536);
    s[4] = acc - carry * 65536;
    acc = carry + n[5] + s0 * c[5] + s1 * c[4] + s2 * c[3] + s3 * c[2] + s4 * c[1] + s5 * c[0];
    carry = Math.floor(acc / 65536);
    s[5] = acc - carry * 65536;
    acc = carry + n[6] + s0 * c[6] + s1 * c[5] + s2 * c[4] + s3 * c[3] + s4 * c[2] + s5 * c[1] + s6 * c[0];
    carry = Math.floor(acc / 65536);
    s[6] = acc - carry * 65536;
    acc = carry + n[7] + s0 * c[7] + s1 * c[6] + s2 * c[5] + s3 * c[4] + s4 * c[3] + s5 * c[2] + s6 * c[1] + s7 * c[0];
    s[7] = acc - Math.floor(acc / 65536) * 65536;
  };

  PCG64.prototype.next64 = function () {
    // XSL-RR output of the stepped state: rotr64(high ^ low, state >> 122), as this.hi, this.lo.
    this.step();
    var s = this.state;
    var lo = (s[1] << 16 | s[0]) ^ (s[5] << 16 | s[4]);
    var hi = (s[3] << 16 | s[2]) ^ (s[7] << 16 | s[6]);
    var rot = s[7] >>> 10;
    if (rot >= 32) { var t = lo; lo = hi; hi = t; rot -= 32; }
    if (rot === 0) { this.hi = hi >>> 0; this.lo = lo >>> 0; return; }
    this.hi = (hi >>> rot | lo << (32 - rot)) >>> 0;
    this.lo = (lo >>> rot | hi << (32 - rot)) >>> 0;
  };

  PCG64.prototype.nextUint32 = function () {
    // numpy buffers the high half of a 64-bit draw for the next 32-bit one.
    if (this.hasUint32) { this.hasUint32 = false; return this.uint32; }
    this.next64();
    this.hasUint32 = true;
    this.uint32 = this.hi;
    return this.lo;
  };

  PCG64.prototype.nextDouble = function () {
    this.next64();  // (next64 >> 11) * 2^-53
    return (this.hi * 2097152 + Math.floor(this.lo / 2048)) / 9007199254740992;
  };

  PCG64.prototype.interval = function (max) {
    // numpy's random_interval: masked rejection sampling on [0, max], max < 2^32.
    if (max === 0) { return 0; }
    var mask = max;
    mask |= mask >>> 1; mask |= mask >>> 2; mask |= mask >>> 4; mask |= mask >>> 8; mask |= mask >>> 16;
    var value;
    while ((value = (this.nextUint32() & mask) >>> 0) > max) { /* reject */ }
    return value;
  };

  // ------------------------------------------------------------------ the chapter's data

  function checkInt(name, value, low, high) {
    if (!Number.isInteger(value) || value < low || (high !== undefined && value > high)) {
      throw new Error(name + " must be a whole number " + (high === undefined ? "of at least " + low :
        "from " + low + " to " + high) + ", got " + JSON.stringify(value));
    }
    return value;
  }

  function makePairs(n, bits, seed) {
    // make_pairs: integers(0, 2^(bits-1), (n, 2)); Lemire's method never rejects for a power of two.
    checkInt("bits", bits, 1, MAX_BITS);
    var rng = new PCG64([seed]), x = new Float32Array(2 * n), y = new Float32Array(n);
    var scale = Math.pow(2, bits - 1) / 4294967296;
    for (var i = 0; i < 2 * n; i++) { x[i] = bits === 1 ? 0 : Math.floor(rng.nextUint32() * scale); }
    for (i = 0; i < n; i++) { y[i] = x[2 * i] + x[2 * i + 1]; }
    return { x: x, y: y, n: n };
  }

  function initialWeights(hiddenUnits, bits, seed) {
    // initial_weights: Glorot uniform kernels, hidden (2, h) row-major, then output (h, 1).
    var rng = new PCG64([seed, hiddenUnits, bits]);
    var hidden = new Float32Array(2 * hiddenUnits), output = new Float32Array(hiddenUnits);
    var limit = Math.sqrt(6 / (2 + hiddenUnits));
    for (var i = 0; i < 2 * hiddenUnits; i++) { hidden[i] = (-1 + 2 * rng.nextDouble()) * limit; }
    limit = Math.sqrt(6 / (hiddenUnits + 1));
    for (i = 0; i < hiddenUnits; i++) { output[i] = (-1 + 2 * rng.nextDouble()) * limit; }
    return { hidden: hidden, output: output };
  }

  function permutation(rng, n, out) {
    // Generator.permutation(n): Fisher-Yates from the end with random_interval.
    for (var i = 0; i < n; i++) { out[i] = i; }
    for (i = n - 1; i > 0; i--) {
      var j = rng.interval(i), t = out[i];
      out[i] = out[j]; out[j] = t;
    }
    return out;
  }

  // ------------------------------------------------------------------ the network and Adam

  // TensorFlow's float32 sigmoid is e / (1 + e) with e = exp(z), within a few units in the last
  // place, and it saturates: exactly 1 above z = 16.6355 where the true sigmoid still rounds
  // below 1, so that its derivative h (1 - h) is exactly 0. Saturated units are common here.
  // TensorFlow's sigmoid is exactly 1 from ln(2^24) up (measured: below 1 at 16.635529, 1 from
  // 16.635538), and exactly 0 below ln of float32's smallest normal number (it flushes the rest).
  var SATURATED = 16.635532333438686, VANISHED = -87.33654475055310;

  // exp(z) for z in [VANISHED, SATURATED]: the hot spot (about 160 million calls in 1000 epochs).
  // exp(z) = exp(j ln2/64) exp(r), with j = z 64/ln2 truncated, so |r| < ln2/64, where exp(r)'s
  // Taylor polynomial of degree 5 is within 3e-15; the table holds exp(j ln2/64) for every j that
  // [VANISHED, SATURATED] needs. Against Math.exp on 4 million random z: at most 1e-14 apart, and
  // the same after rounding to float32 for all but one. 1000 epochs of the benchmark (bench_browser_trainer.py)
  // took 2.70 s in Chromium against 2.86 s with Math.exp, and 2.9 against 4.2 CPU s in Node 20.
  var EXP_STEPS = 64, EXP_SCALE = EXP_STEPS / Math.LN2;
  var LN2_STEP_HIGH = Math.fround(Math.LN2 / EXP_STEPS), LN2_STEP_LOW = Math.LN2 / EXP_STEPS - LN2_STEP_HIGH;
  var EXP_LOWEST = Math.trunc(VANISHED * EXP_SCALE) - 1, EXP_HIGHEST = Math.trunc(SATURATED * EXP_SCALE) + 1;
  var EXP_TABLE = new Float64Array(EXP_HIGHEST - EXP_LOWEST + 1);
  for (var step = EXP_LOWEST; step <= EXP_HIGHEST; step++) {
    EXP_TABLE[step - EXP_LOWEST] = Math.exp(step * Math.LN2 / EXP_STEPS);
  }

  function tableExp(z) {
    var j = (z * EXP_SCALE) | 0;
    var r = (z - j * LN2_STEP_HIGH) - j * LN2_STEP_LOW;  // two parts: j ln2/64 without rounding error
    var r2 = r * r;  // Estrin's scheme: a shorter chain of dependent operations than Horner's
    return EXP_TABLE[j - EXP_LOWEST] * ((1 + r) + r2 * ((0.5 + r * (1 / 6)) + r2 * (1 / 24 + r * (1 / 120))));
  }

  function sigmoid(z) {
    if (z > SATURATED) { return 1; }
    if (z < VANISHED) { return 0; }
    var e = Math.fround(tableExp(z));
    return Math.fround(e / Math.fround(1 + e));
  }

  function predict(weights, x, n) {
    var h = weights.output.length, out = new Float64Array(n), W = weights.hidden, V = weights.output;
    for (var p = 0; p < n; p++) {
      var a = x[2 * p], b = x[2 * p + 1], sum = 0;
      for (var k = 0; k < h; k++) {
        var unit = sigmoid(Math.fround(Math.fround(a * W[k]) + Math.fround(b * W[h + k])));
        sum = Math.fround(sum + Math.fround(unit * V[k]));
      }
      out[p] = sum;
    }
    return out;
  }

  function meanSquaredError(weights, x, y, start, end) {
    var pred = predict(weights, x.subarray(2 * start, 2 * end), end - start), total = 0;
    for (var p = 0; p < pred.length; p++) { var d = pred[p] - y[start + p]; total += d * d; }
    return total / pred.length;
  }

  function rint(value) {
    // numpy's rint: halves to even.
    var r = Math.round(value);
    return (r - value === 0.5 && r % 2 !== 0) ? r - 1 : r;
  }

  function accuracy(weights, pairs) {
    var pred = predict(weights, pairs.x, pairs.n), right = 0;
    for (var p = 0; p < pairs.n; p++) { if (rint(pred[p]) === pairs.y[p]) { right++; } }
    return right / pairs.n;
  }

  var f = Math.fround;
  var BETA_1 = f(0.9), BETA_2 = f(0.999), ONE_MINUS_B1 = f(1 - 0.9), ONE_MINUS_B2 = f(1 - 0.999), EPSILON = f(1e-7);

  function Adam(size, learningRate) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
    this.t = 0;
    this.lr = f(learningRate);
  }

  Adam.prototype.update = function (params, grads) {
    // Keras 3's Adam.update_step, in float32, for one flat parameter vector.
    this.t += 1;
    var b1Power = f(Math.pow(BETA_1, this.t)), b2Power = f(Math.pow(BETA_2, this.t));
    var alpha = f(f(this.lr * f(Math.sqrt(f(1 - b2Power)))) / f(1 - b1Power));
    var m = this.m, v = this.v;
    for (var i = 0; i < params.length; i++) {
      var g = f(grads[i]);
      m[i] = f(m[i] + f(f(g - m[i]) * ONE_MINUS_B1));
      v[i] = f(v[i] + f(f(f(g * g) - v[i]) * ONE_MINUS_B2));
      params[i] = f(params[i] - f(f(m[i] * alpha) / f(f(Math.sqrt(v[i])) + EPSILON)));
    }
  };

  function batchStep(params, h, x, y, order, start, end, adam, grads, z) {
    // One batch: forward, MSE gradient (2 (pred - y) / batch), Adam. params = [W (2h) | V (h)].
    // The hidden units' inputs and outputs are rounded to float32 as TensorFlow holds them: a
    // unit that float32 saturates to exactly 1 has derivative h (1 - h) = 0 there, as in Keras.
    // The sums over units and over the batch run in float64 (TensorFlow's float32 sums are
    // blocked differently anyway); the gradient is rounded to float32 before Adam.
    var f = Math.fround, count = end - start, loss = 0, k;
    var out = 2 * h;
    grads.fill(0);
    for (var q = start; q < end; q++) {
      var p = order[q], a = x[2 * p], b = x[2 * p + 1], pred = 0;
      for (k = 0; k < h; k++) {
        var input = f(a * params[k] + b * params[h + k]), unit;  // sigmoid(), inlined:
        if (input > SATURATED) {
          unit = 1;  // what it returns there, without an exp
        } else if (input < VANISHED) {
          unit = 0;
        } else {
          var e = f(tableExp(input));
          unit = f(e / f(1 + e));
        }
        z[k] = unit;
        pred += unit * params[out + k];
      }
      var error = f(pred) - y[p], d = 2 * error / count;
      loss += error * error;
      for (k = 0; k < h; k++) {
        var unitOut = z[k], back = d * params[out + k] * (unitOut * f(1 - unitOut));
        grads[k] += back * a;
        grads[h + k] += back * b;
        grads[out + k] += d * unitOut;
      }
    }
    adam.update(params, grads);
    return loss;  // summed over the batch
  }

  function weightsOf(params, h) {
    return { hidden: params.slice(0, 2 * h), output: params.slice(2 * h, 3 * h) };
  }

  function checkSettings(s) {
    checkInt("hidden_units", s.hidden_units, 1, 64);
    checkInt("bits", s.bits, 1, MAX_BITS);
    checkInt("seed", s.seed, 0, 2147483647);
    checkInt("epochs", s.epochs, 1, 1000);
    checkInt("patience", s.patience, 0, 1000);
  }

  /*
   * Train one network. settings: {hidden_units, bits, seed, epochs, patience} and optionally
   * n_train (10000), validation_split (0.2), batch_size (32), n_eval (10000), learning_rate
   * (0.001), weights ({hidden, output}: start here instead of initial_weights), orders (a
   * function epoch -> Int32Array of the training pairs' order, for tests), restore_best_weights
   * (true; false returns the last epoch's weights, for tests), onEpoch(epoch,
   * loss, valLoss) (may return a Promise, e.g. to let the page redraw).
   * Returns a Promise of {history: {loss, val_loss}, weights, accuracy, seconds, epochs}.
   */
  async function train(settings) {
    var s = Object.assign({ n_train: 10000, validation_split: 0.2, batch_size: 32, n_eval: 10000,
      learning_rate: 0.001, restore_best_weights: true }, settings || {});
    checkSettings(s);
    checkInt("batch_size", s.batch_size, 1);
    var clock = (typeof performance !== "undefined" ? performance : Date);
    var started = clock.now();
    var h = s.hidden_units, data = makePairs(s.n_train, s.bits, s.seed);
    var nFit = Math.floor(s.n_train * (1 - s.validation_split));
    var start = s.weights || initialWeights(h, s.bits, s.seed);
    var params = new Float32Array(3 * h);
    params.set(start.hidden, 0);
    params.set(start.output, 2 * h);
    var adam = new Adam(3 * h, s.learning_rate), grads = new Float64Array(3 * h), z = new Float64Array(h);
    var shuffler = new PCG64([s.seed, h, s.bits, 1]), order = new Int32Array(nFit);
    var history = { loss: [], val_loss: [] }, best = Infinity, wait = 0, bestParams = params.slice();
    for (var epoch = 0; epoch < s.epochs; epoch++) {
      var epochOrder = s.orders ? s.orders(epoch) : permutation(shuffler, nFit, order);
      var lossSum = 0;
      for (var first = 0; first < nFit; first += s.batch_size) {
        lossSum += batchStep(params, h, data.x, data.y, epochOrder, first, Math.min(first + s.batch_size, nFit),
          adam, grads, z);
      }
      var valLoss = meanSquaredError(weightsOf(params, h), data.x, data.y, nFit, s.n_train);
      history.loss.push(lossSum / nFit);
      history.val_loss.push(valLoss);
      wait += 1;
      var stop = false;
      if (valLoss < best || epoch === 0) {
        best = valLoss; wait = 0; bestParams = params.slice();
      } else if (wait >= s.patience) {
        stop = true;
      }
      if (s.onEpoch) { await s.onEpoch(epoch + 1, lossSum / nFit, valLoss); }
      if (stop) { break; }
    }
    var weights = weightsOf(s.restore_best_weights ? bestParams : params, h);
    var seconds = (clock.now() - started) / 1000;
    var scoring = makePairs(s.n_eval, s.bits, EVAL_SEED + s.seed);
    return {
      history: history,
      weights: { hidden: Array.from(weights.hidden), output: Array.from(weights.output) },
      accuracy: accuracy(weights, scoring),
      seconds: seconds,
      epochs: history.loss.length,
      steps: history.loss.length * Math.ceil(nFit / s.batch_size),
    };
  }

  var api = {
    EVAL_SEED: EVAL_SEED, SeedSequence: SeedSequence, PCG64: PCG64, makePairs: makePairs,
    initialWeights: initialWeights, permutation: permutation, train: train, predict: predict,
    accuracy: accuracy, checkSettings: checkSettings, tableExp: tableExp, SATURATED: SATURATED,
    VANISHED: VANISHED,
  };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; }
  root.AdditionTrainer = api;
})(typeof window !== "undefined" ? window : globalThis);
