"""Write N synthetic article pages in the seed's plain-text layout (deterministic from --seed).

    python bench/make_pages.py 10000 var/bench-pages

Each page has a section line, a title, "N min read", a hero image (repeated title + caption with a
photo credit), 5–12 body paragraphs, a teaser pointing at another page's title, an author block,
and the site's trailing chrome: what the importer meets in real archives of that site.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SECTIONS = ["News Feed", "Uncategorized", "Opinion", "Business", "Culture", "Analysis"]
CREDITS = ["Mikhail Klimentyev / Sputnik / AFP via Getty Images", "Kyiv Independent", "Reuters", "AP Photo"]
# Word lists as text: one space-separated string per line keeps them readable.
WORDS = " ".join(
    [
        "the of and to in a is that for on was with as by it from at be this are have an has which not or",
        "president government ministry war ceasefire energy sector talks officials said according city",
        "forces attack drone missile infrastructure parliament budget economy reform court election minister",
        "agreement negotiations military support allies sanctions border villages residents power grid",
        "peace summit leaders statement spokesperson diplomats bilateral relations security cooperation deal",
    ]
).split(" ")
FIRST = [
    "Abbey",
    "Oleksii",
    "Kateryna",
    "Martin",
    "Daria",
    "Yuliia",
    "Igor",
    "Anna",
    "Olena",
    "Dmytro",
    "Natalia",
    "Serhii",
    "Iryna",
    "Taras",
]
LAST = [
    "Fenbert",
    "Denisova",
    "Fornusek",
    "Kostenko",
    "Melnyk",
    "Shevchenko",
    "Bondarenko",
    "Tkachenko",
    "Kravets",
    "Lysenko",
]


def sentence(rng: random.Random, low: int = 8, high: int = 24) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def page_text(n: int, rng: random.Random, authors: list[str]) -> str:
    title = f"{sentence(rng, 5, 10)[:-1]} ({n})"
    teaser = f"Teaser target story {rng.randrange(max(n, 1))}"
    author = rng.choice(authors)
    paragraphs = [
        " ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(5, 12))
    ]
    words = sum(len(p.split()) for p in paragraphs)
    return "\n".join(
        [
            rng.choice(SECTIONS), "", title, "", f"{max(1, words // 230)} min read", title,
            f"{sentence(rng)[:-1]} (L) in Kyiv. ({rng.choice(CREDITS)})", "",
            "\n\n".join(paragraphs), "",
            teaser, sentence(rng) + "…", "Article image",
            "Avatar", author, "", "Reporter", "", f"{author} covers politics for the paper.", "",
            "Read more", "News Feed", "Video", "", sentence(rng), "", "Show More",
        ]
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=20251118)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}" for i in range(300)]
    args.folder.mkdir(parents=True, exist_ok=True)
    for n in range(args.count):
        (args.folder / f"{n:07}.txt").write_text(page_text(n, rng, authors), encoding="utf-8")


if __name__ == "__main__":
    main()
