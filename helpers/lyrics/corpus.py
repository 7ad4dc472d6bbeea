"""The lyrics corpus: loading, cleaning, removing near-duplicates and splitting by song.

The default corpus is the Public Domain Lyrics Database (1,347 songs published 1928 or
earlier, 11 categories that play the role the blog's artists played), fetched with its
SHA-256 checked by :func:`helpers.data.fetch`. The Kaggle "55000+ Song Lyrics" CSV the blog
used (columns ``artist,song,link,text``) is read by :func:`read_kaggle_csv` when a reader
has it; its artists become categories.

Cleaning removes only what is not lyrics (see :func:`clean_lyrics`) and counts it, so the
chapter can show how much went. Everything else (spelling, archaic forms, repetitions) is
kept, as the blog kept its data.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from helpers.checks import check_float, check_int
from helpers.data import DataFile, fetch

PUBLIC_DOMAIN_LYRICS = DataFile(
    relative_path="lyrics/lyrics_data.json",
    url="https://raw.githubusercontent.com/kennethyork/PubDomainOnly/"
    "6c44d5ce3ca8932f71ce3e6907443fa800321383/lyrics_data.json",
    sha256="38367790f933f86c4b6e51f47ab9ade02bdad3115a7b961b93cd12b45396fe8c",
    description="Public Domain Lyrics Database (kennethyork/PubDomainOnly), 1,347 songs published 1928 or earlier",
)

#: Columns of the Kaggle "55000+ Song Lyrics" CSV the blog post trained on.
KAGGLE_COLUMNS = ("artist", "song", "link", "text")

#: Two songs whose first this-many characters (after cleaning, lower-cased, words only) agree
#: are one song under two titles.
DUPLICATE_PREFIX_CHARS = 200


@dataclass(frozen=True)
class Song:
    """One song: its title, its category (the blog's artist) and its lyrics."""

    title: str
    category: str
    text: str


@dataclass
class CleaningReport:
    """What cleaning removed, counted so the chapter can show it."""

    licence_lines: int = 0
    licence_words: int = 0
    numbering_marks: int = 0
    glued_lines_split: int = 0
    double_spaced_songs: int = 0
    empty_songs: int = 0
    index_pages: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (kept title, dropped title)

    def as_dict(self) -> dict[str, int]:
        """The counts, for a table."""
        return {
            "licence lines removed": self.licence_lines,
            "licence words removed": self.licence_words,
            "stanza numbers removed": self.numbering_marks,
            "glued lines split": self.glued_lines_split,
            "double-spaced songs closed up": self.double_spaced_songs,
            "empty songs dropped": self.empty_songs,
            "Wikisource index pages dropped": self.index_pages,
            "near-duplicate songs dropped": len(self.duplicates),
        }


# Wikisource appends licence boilerplate; the page scrape glued some words ("thepublic domainin").
_LICENCE_LINE = re.compile(
    r"^\s*(?:This work (?:was|is|may be)\b.*|These works may be\b.*|Some or all works by this author\b.*"
    r"|United States\s*because\b.*|The longest-living author of this work\b.*|(?:Public domain)+(?:false)*\s*)$",
    re.IGNORECASE,
)
# A scraped Wikisource category page, not a song.
_INDEX_PAGE = re.compile(r"pages are in this category|This category is populated by")
# Stanza numbers: "1." or "IV." alone or at the start of a line, or glued after a sentence ("all.2. Each").
_NUMBER_AT_LINE_START = re.compile(r"(?m)^[ \t]*(?:\d{1,2}|[IVX]{1,4})\.(?:[ \t]+|$)")
_NUMBER_GLUED = re.compile(r"(?<=[a-z.!?;:,])(?:\d{1,2})\.[ \t]*(?=[A-Z\"“])")
# Two lines glued together by the scrape: punctuation directly followed by a capitalised word.
_GLUED_LINES = re.compile(r"([a-z][.,;:!?][\"”]?)([\"“]?[A-Z][a-z])")


def clean_lyrics(text: str, report: CleaningReport | None = None) -> str:
    """Remove the dirt from one song's lyrics and count it in ``report``.

    * Wikisource licence sentences ("This work was published before January 1, 1931, ...").
    * Stanza numbering ("1.", "IV." at a line start, or "2." glued after a sentence).
    * Stray breaks: lines glued together without a break (a new line is put back), songs
      scraped with a blank line after *every* line (closed up to single breaks), and runs
      of blank lines (one blank line is a stanza break).
    """
    report = report if report is not None else CleaningReport()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for line in text.split("\n"):
        if _LICENCE_LINE.match(line) and line.strip():
            report.licence_lines += 1
            report.licence_words += len(line.split())
        else:
            kept.append(line.rstrip())
    text = "\n".join(kept)
    text, glued_numbers = _NUMBER_GLUED.subn("\n", text)
    text, line_numbers = _NUMBER_AT_LINE_START.subn("", text)
    report.numbering_marks += glued_numbers + line_numbers
    text, glued = _GLUED_LINES.subn("\\1\n\\2", text)
    report.glued_lines_split += glued
    lines = [line.strip() for line in text.split("\n")]
    non_empty = [line for line in lines if line]
    # A song whose every line is followed by a blank line was scraped double-spaced.
    adjacent = sum(1 for a, b in zip(lines, lines[1:], strict=False) if a and b)
    if len(non_empty) >= 4 and adjacent == 0:
        report.double_spaced_songs += 1
        lines = non_empty
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text


def _duplicate_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))[:DUPLICATE_PREFIX_CHARS]


def drop_near_duplicates(songs: list[Song], report: CleaningReport | None = None) -> list[Song]:
    """Keep the first of songs whose lyrics start with the same 200 characters (words only)."""
    report = report if report is not None else CleaningReport()
    seen: dict[str, Song] = {}
    kept = []
    for song in songs:
        key = _duplicate_key(song.text)
        if key in seen:
            report.duplicates.append((seen[key].title, song.title))
            continue
        seen[key] = song
        kept.append(song)
    return kept


@dataclass
class Corpus:
    """Songs after cleaning, with what cleaning removed (``report``) and where they came from."""

    songs: list[Song]
    report: CleaningReport
    source: str

    def categories(self) -> Counter:
        """Songs per category."""
        return Counter(song.category for song in self.songs)

    def select(self, categories: list[str] | tuple[str, ...] | None = None, max_songs: int | None = None) -> Corpus:
        """A corpus of the songs in ``categories`` (all if ``None``), optionally only the first ``max_songs``.

        "First" is the corpus order (titles sorted alphabetically within each category, as the
        blog's first 100 Kaggle rows were Abba's songs in alphabetical order).
        """
        if categories is not None:
            known = set(self.categories())
            unknown = [c for c in categories if c not in known]
            if unknown:
                raise ValueError(f"categories {unknown} are not in the corpus; known: {sorted(known)}")
        songs = [s for s in self.songs if categories is None or s.category in categories]
        if max_songs is not None:
            songs = songs[: check_int("max_songs", max_songs, minimum=1)]
        if not songs:
            raise ValueError("the selection has no songs")
        return Corpus(songs=songs, report=self.report, source=self.source)

    def split(self, held_out: float = 0.1, seed: int = 0, salt: str = "") -> tuple[list[Song], list[Song]]:
        """Split by song, seeded: ``(training_songs, held_out_songs)``.

        Whole songs go to one side only, because windows overlap and choruses repeat: a split
        by window would put most of every held-out line in the training data. At least one
        song is held out and at least one trained on. The split of a song depends only on
        ``seed`` and its title, category and text, not on which other songs are in the corpus,
        so a network trained on a subset never sees a song held out from the full corpus.
        A ``salt`` draws another, independent split under the same seed: the chapter's test
        songs are ``split(0.1, seed)``'s, and its validation songs are taken out of the
        training part with ``salt="validation"`` (see :func:`helpers.lyrics.training_data.prepare`).
        """
        held_out = check_float("held_out", held_out, minimum=0.0, maximum=1.0, inclusive_minimum=False)
        if held_out >= 1.0:
            raise ValueError(f"held_out must be below 1 (a share of the songs), got {held_out}")
        check_int("seed", seed, minimum=0)
        if len(self.songs) < 2:
            raise ValueError(f"splitting needs at least 2 songs, the corpus has {len(self.songs)}")
        scores = np.array([_song_score(song, seed, salt) for song in self.songs])
        is_held_out = scores < held_out
        if is_held_out.all() or not is_held_out.any():  # tiny corpora: force one song to each side
            order = np.argsort(scores)
            is_held_out[:] = False
            is_held_out[order[: max(1, min(len(self.songs) - 1, round(held_out * len(self.songs))))]] = True
        training = [s for s, h in zip(self.songs, is_held_out, strict=True) if not h]
        held = [s for s, h in zip(self.songs, is_held_out, strict=True) if h]
        return training, held


def _song_score(song: Song, seed: int, salt: str = "") -> float:
    """A uniform number in [0, 1) fixed by the seed (and salt) and the song itself."""
    import hashlib

    prefix = f"{salt}\x00" if salt else ""  # no salt: the split the chapter has always used
    digest = hashlib.sha256(f"{prefix}{seed}\x00{song.category}\x00{song.title}\x00{song.text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def _build_corpus(records: list[tuple[str, str, str]], source: str) -> Corpus:
    report = CleaningReport()
    songs = []
    for title, category, text in records:
        if _INDEX_PAGE.search(text):
            report.index_pages += 1
            continue
        cleaned = clean_lyrics(text, report)
        if not cleaned.strip():
            report.empty_songs += 1
            continue
        songs.append(Song(title=title.strip(), category=category.strip(), text=cleaned))
    songs.sort(key=lambda s: (s.category, s.title.lower(), s.text))
    songs = drop_near_duplicates(songs, report)
    return Corpus(songs=songs, report=report, source=source)


def read_public_domain(path: Path | str) -> list[tuple[str, str, str]]:
    """``(title, category, lyrics)`` records of the Public Domain Lyrics Database JSON file."""
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not the lyrics JSON file ({error})") from error
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError(f"{path} must hold a JSON list of song objects")
    missing = [i for i, r in enumerate(records) if not {"title", "lyrics", "category"} <= set(r)]
    if missing:
        raise ValueError(f"{path}: records {missing[:5]} lack one of the keys title, lyrics, category")
    return [(str(r["title"]), str(r["category"]), str(r["lyrics"])) for r in records]


def read_kaggle_csv(path: Path | str) -> list[tuple[str, str, str]]:
    """``(title, category, lyrics)`` records of the Kaggle "55000+ Song Lyrics" CSV (artist = category).

    The file must have the columns ``artist, song, link, text``; a missing one is a
    ``ValueError`` that names it.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"source {str(path)!r} is not a file (give the path of the Kaggle songdata.csv)")
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [c for c in KAGGLE_COLUMNS if c not in columns]
        if missing:
            raise ValueError(
                f"{path} lacks the column(s) {missing}: the Kaggle lyrics CSV has the columns "
                f"{', '.join(KAGGLE_COLUMNS)}; this file has {columns}"
            )
        return [(row["song"] or "", row["artist"] or "", row["text"] or "") for row in reader]


def load_corpus(source: str | Path = "public_domain", categories: list[str] | None = None) -> Corpus:
    """Load, clean and de-duplicate a lyrics corpus.

    ``source`` is ``"public_domain"`` (the default data set, fetched with its SHA-256 checked;
    a damaged file is a ``ValueError``) or the path of a Kaggle-format CSV. ``categories``
    keeps only those categories (artists for the Kaggle file).
    """
    if isinstance(source, str) and source == "public_domain":
        records = read_public_domain(fetch(PUBLIC_DOMAIN_LYRICS))
        name = "Public Domain Lyrics Database"
    elif isinstance(source, (str, Path)) and str(source).lower().endswith(".csv"):
        records = read_kaggle_csv(source)
        name = f"Kaggle-format CSV {Path(source).name}"
    else:
        raise ValueError(f"source must be 'public_domain' or the path of a Kaggle-format .csv file, got {source!r}")
    corpus = _build_corpus(records, name)
    return corpus.select(categories) if categories is not None else corpus
