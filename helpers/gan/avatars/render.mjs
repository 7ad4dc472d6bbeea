// Render DiceBear "personas" avatars (artwork by Draftbit, CC BY 4.0) to raw RGB pixels.
//
// Usage: node render.mjs SPEC.json OUT.rgb
// SPEC.json: {"size": 32, "background": "ffffff", "avatars": [{"hair": "long", "hairColor": "362c47", ...}, ...]}
// Each avatar lists one value per attribute (the Python side draws them, seeded), so the
// labels are known exactly and the same attributes always give the same picture.
// OUT.rgb: size*size*3 bytes per avatar, row-major, in the order of SPEC.avatars.
import { readFileSync, writeFileSync } from "node:fs";
import { createAvatar } from "@dicebear/core";
import * as personas from "@dicebear/personas";
import { Resvg } from "@resvg/resvg-js";

const [specPath, outPath] = process.argv.slice(2);
if (!specPath || !outPath) {
  console.error("usage: node render.mjs SPEC.json OUT.rgb");
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specPath, "utf8"));
const size = spec.size;
const out = Buffer.alloc(spec.avatars.length * size * size * 3);

spec.avatars.forEach((attributes, index) => {
  const options = { backgroundColor: [spec.background], facialHairProbability: 0 };
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "facialHair") {
      if (value !== "none") {
        options.facialHair = [value];
        options.facialHairProbability = 100;
      }
    } else {
      options[name] = [value];
    }
  }
  const svg = createAvatar(personas, options).toString();
  const rgba = new Resvg(svg, { fitTo: { mode: "width", value: size } }).render().pixels;
  const offset = index * size * size * 3;
  for (let pixel = 0; pixel < size * size; pixel++) {
    out[offset + 3 * pixel] = rgba[4 * pixel];
    out[offset + 3 * pixel + 1] = rgba[4 * pixel + 1];
    out[offset + 3 * pixel + 2] = rgba[4 * pixel + 2];
  }
});
writeFileSync(outPath, out);
