"""Cartoon faces with their attributes: DiceBear "personas" rendered offline, or a Cartoon Set folder.

The post trained on Google's Cartoon Set (10k version, CC BY 4.0), which cannot be downloaded
here. The default source is DiceBear's "personas" style (artwork by Draftbit, CC BY 4.0),
rendered to pixels by a small Node project in ``helpers/gan/avatars`` (package data) (``@dicebear/core``,
``@dicebear/personas`` and ``@resvg/resvg-js``, versions pinned by its ``package-lock.json``).
Python draws each avatar's attributes (seeded, uniformly over every value the style offers),
Node renders exactly those, so every image comes with its labels. Renders are cached under
``helpers.data.cache_dir("faces")``; the Node packages are installed once with ``npm ci``
into ``helpers.data.cache_dir("avatars-node")``.

A reader who has the Cartoon Set can point ``load_faces(source=<folder>)`` at it: one PNG
per face and, beside it, a CSV of ``"attribute", value, number of values`` lines.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np

from helpers.checks import check_int
from helpers.data import cache_dir
from helpers.gan.ellipses import check_image_size

#: The Node project rendering the avatars: package data of ``helpers`` (so a wheel carries it, e.g. on Colab).
NODE_PROJECT = Path(__file__).resolve().parent / "avatars"

#: Every value of every personas attribute (the style's own lists, in its order).
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "hair": (
        "long",
        "sideShave",
        "shortCombover",
        "curlyHighTop",
        "bobCut",
        "curly",
        "pigtails",
        "curlyBun",
        "buzzcut",
        "bobBangs",
        "bald",
        "balding",
        "cap",
        "bunUndercut",
        "fade",
        "beanie",
        "straightBun",
        "extraLong",
        "shortComboverChops",
        "mohawk",
    ),
    "hairColor": ("362c47", "6c4545", "e15c66", "e16381", "f27d65", "f29c65", "dee1f5"),
    "skinColor": ("eeb4a4", "e7a391", "e5a07e", "d78774", "b16a5b", "92594b", "623d36"),
    "clothingColor": ("456dff", "54d7c7", "7555ca", "6dbb58", "e24553", "f3b63a", "f55d81"),
    "eyes": ("open", "sleep", "wink", "glasses", "happy", "sunglasses"),
    "mouth": ("smile", "frown", "surprise", "pacifier", "bigSmile", "smirk", "lips"),
    "nose": ("mediumRound", "smallRound", "wrinkles"),
    "body": ("squared", "rounded", "small", "checkered"),
    "facialHair": ("none", "beardMustache", "pyramid", "walrus", "goatee", "shadow", "soulPatch"),
}
#: How the page names each attribute.
LABELS = {
    "hair": "hair style",
    "hairColor": "hair colour",
    "skinColor": "skin",
    "clothingColor": "clothing colour",
    "eyes": "eyes",
    "mouth": "mouth",
    "nose": "nose",
    "body": "body",
    "facialHair": "facial hair",
}
#: Words for the style's colours (the pickers show these and a swatch, not hex codes).
COLOUR_NAMES = {
    "hairColor": ("near-black", "dark brown", "red", "pink", "copper", "ginger", "silver"),
    "skinColor": ("pale", "light", "peach", "medium", "tan", "brown", "dark brown"),
    "clothingColor": ("blue", "turquoise", "purple", "green", "red", "yellow", "pink"),
}


def value_names(name: str) -> list[str]:
    """What a picker shows for each value of attribute ``name``: a colour's word, else the value, spaced."""
    if name not in ATTRIBUTES:
        raise ValueError(f"unknown attribute {name!r}; allowed: {', '.join(ATTRIBUTES)}")
    if name in COLOUR_NAMES:
        return list(COLOUR_NAMES[name])
    return [re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value).lower() for value in ATTRIBUTES[name]]


#: The style shows facial hair on 10% of faces by default; we keep that share.
FACIAL_HAIR_PROBABILITY = 0.1
BACKGROUND = "ffffff"
SOURCES = ("dicebear",)


def sample_attributes(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``n`` seeded avatars' attributes as integer codes into ``ATTRIBUTES``."""
    n = check_int("n", n, minimum=1)
    rng = np.random.default_rng([check_int("seed", seed, minimum=0), 5])
    codes = {name: rng.integers(0, len(values), n) for name, values in ATTRIBUTES.items() if name != "facialHair"}
    has_facial_hair = rng.random(n) < FACIAL_HAIR_PROBABILITY
    codes["facialHair"] = np.where(has_facial_hair, rng.integers(1, len(ATTRIBUTES["facialHair"]), n), 0)
    return codes


def codes_to_values(codes: dict[str, np.ndarray]) -> list[dict[str, str]]:
    """Integer codes -> one ``{attribute: value}`` dict per avatar (what the Node script reads)."""
    for name, values in codes.items():
        if name not in ATTRIBUTES:
            raise ValueError(f"unknown attribute {name!r}; allowed: {', '.join(ATTRIBUTES)}")
        values = np.asarray(values)
        if values.size and (values.min() < 0 or values.max() >= len(ATTRIBUTES[name])):
            raise ValueError(
                f"attribute {name!r} codes must be in 0..{len(ATTRIBUTES[name]) - 1}, "
                f"got {values.min()}..{values.max()}"
            )
    n = len(next(iter(codes.values())))
    return [{name: ATTRIBUTES[name][int(values[i])] for name, values in codes.items()} for i in range(n)]


def encode(name: str, values) -> np.ndarray:
    """Attribute values (strings) -> integer codes, with a clear error for an unknown value."""
    if name not in ATTRIBUTES:
        raise ValueError(f"unknown attribute {name!r}; allowed: {', '.join(ATTRIBUTES)}")
    allowed = ATTRIBUTES[name]
    codes = []
    for value in np.atleast_1d(values).tolist():
        if value not in allowed:
            raise ValueError(f"{name} has no value {value!r}; allowed: {', '.join(allowed)}")
        codes.append(allowed.index(value))
    return np.asarray(codes)


def node_project() -> Path:
    """The installed Node project (``npm ci`` into the cache the first time); clear error without Node."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise RuntimeError(
            "rendering DiceBear avatars needs Node.js 18 or newer with npm (https://nodejs.org, "
            "or e.g. `apt-get install nodejs npm`); or pass source=<Cartoon Set folder>"
        )
    target = cache_dir("avatars-node")
    lock = (NODE_PROJECT / "package-lock.json").read_bytes()
    stamp = target / "installed.sha256"
    digest = hashlib.sha256(lock + (NODE_PROJECT / "render.mjs").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        for name in ("package.json", "package-lock.json", "render.mjs"):
            shutil.copy(NODE_PROJECT / name, target / name)
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=target, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"npm ci in {target} failed (the packages come from the npm registry or its "
                f"cache):\n{result.stderr[-2000:]}"
            )
        stamp.write_text(digest)
    return target


def render_dicebear(codes: dict[str, np.ndarray], size: int = 32) -> np.ndarray:
    """Render avatars with exactly these attribute codes; ``uint8`` of shape ``(n, size, size, 3)``."""
    size = check_image_size(size)
    avatars = codes_to_values(codes)
    if not avatars:
        raise ValueError("codes must describe at least one avatar, got 0")
    project = node_project()
    spec = json.dumps({"size": size, "background": BACKGROUND, "avatars": avatars})
    key = hashlib.sha256(spec.encode() + (project / "installed.sha256").read_bytes()).hexdigest()[:20]
    out = cache_dir("faces") / f"personas-{size}px-{key}.rgb"
    if not out.exists():
        spec_path = out.with_suffix(".json")
        spec_path.write_text(spec)
        partial = out.with_suffix(".partial")
        result = subprocess.run(
            ["node", str(project / "render.mjs"), str(spec_path), str(partial)],
            cwd=project,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"rendering avatars failed:\n{result.stderr[-2000:]}")
        partial.replace(out)
        spec_path.unlink()
    return np.fromfile(out, dtype=np.uint8).reshape(len(avatars), size, size, 3)


def load_faces(
    n: int, size: int = 32, source: str | Path = "dicebear", seed: int = 0
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``n`` faces as ``float32`` images in [-1, 1] and their attributes (integer codes).

    ``source="dicebear"``: avatars with seeded random attributes (codes into ``ATTRIBUTES``).
    ``source=<folder>``: the first ``n`` faces of a Cartoon Set folder in file-name order
    (after a seeded shuffle if ``seed`` is not 0), with the set's own attribute codes.
    """
    n = check_int("n", n, minimum=1)
    size = check_image_size(size)
    seed = check_int("seed", seed, minimum=0)
    if isinstance(source, str) and source in SOURCES:
        codes = sample_attributes(n, seed)
        pixels = render_dicebear(codes, size)
    else:
        pixels, codes = read_cartoon_set(source, n, size, seed)
    return (pixels.astype(np.float32) / 127.5 - 1).astype(np.float32), codes


def read_cartoon_set(
    folder: str | Path, n: int | None = None, size: int = 32, seed: int = 0
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Cartoon Set faces (PNG, usually 500x500 RGBA) resized to ``size`` over white, with their CSV codes."""
    from PIL import Image

    folder = Path(folder)
    size = check_image_size(size)
    if not folder.is_dir():
        raise ValueError(f"source must be 'dicebear' or a Cartoon Set folder; {str(folder)!r} is neither")
    pngs = sorted(folder.rglob("*.png"))
    if not pngs:
        raise ValueError(f"the Cartoon Set folder {folder} holds no PNG images")
    if not any(folder.rglob("*.csv")):
        raise ValueError(
            f"the Cartoon Set folder {folder} has no CSV files: each face's attributes come from "
            f"the CSV beside its PNG (e.g. cs1048486361028912.csv)"
        )
    if seed:
        pngs = [pngs[i] for i in np.random.default_rng(seed).permutation(len(pngs))]
    if n is not None:
        n = check_int("n", n, minimum=1)
        if n > len(pngs):
            raise ValueError(f"n is {n}, but the Cartoon Set folder {folder} holds {len(pngs)} faces")
        pngs = pngs[:n]
    images, rows = [], []
    for png in pngs:
        table = png.with_suffix(".csv")
        if not table.exists():
            raise ValueError(f"{png.name} has no attribute file {table.name} beside it")
        with open(table, newline="") as handle:
            row = {}
            for line in csv.reader(handle, skipinitialspace=True):
                if not line:
                    continue
                if len(line) != 3:
                    raise ValueError(f'{table}: each line must be "attribute", value, number of values; got {line}')
                row[line[0].strip().strip('"')] = int(line[1])
        rows.append(row)
        with Image.open(png) as picture:
            rgba = picture.convert("RGBA").resize((size, size), Image.Resampling.LANCZOS)
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        images.append(np.asarray(Image.alpha_composite(white, rgba).convert("RGB")))
    names = list(rows[0])
    for png, row in zip(pngs, rows, strict=True):
        if list(row) != names:
            raise ValueError(f"{png.with_suffix('.csv').name} lists attributes {list(row)}, others list {names}")
    codes = {name: np.array([row[name] for row in rows]) for name in names}
    return np.stack(images), codes
