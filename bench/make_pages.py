"""Write N synthetic article pages in the seed's plain-text layout (deterministic from --seed).

    python bench/make_pages.py 10000 var/bench-pages            # the importer's benchmark
    python bench/make_pages.py 3000 var/demo-pages --demo        # `make demo`'s archive

Each page has a section line, a title, "N min read", a hero image (repeated title + caption with a
photo credit), 5–12 body paragraphs, a teaser pointing at another page's title, an author block,
and the site's trailing chrome: what the importer meets in real archives of that site.

`--demo` writes pages a newcomer can read: headlines from a few templates, the site's other layout
(`by NAME and NAME Month D, YYYY H:MM AM N min read`) with dates spread over twelve years, a few
dozen authors, teasers naming other demo stories (so they link inside the archive), some pages
without a hero picture. Standard library only: nothing to install.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
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


DEMO_SECTIONS = ["News Feed", "Politics", "Business", "Culture", "Opinion", "Science", "Sport", "Analysis",
                 "War", "Energy", "Health", "Regions"]  # fmt: skip
SUBJECTS = ["Parliament", "The government", "City council", "The energy ministry", "The central bank",
            "The farmers' union", "The teachers' union", "The rescue service", "Kharkiv's mayor",
            "Odesa port", "A Lviv charity", "The court", "NATO", "The grain board", "The health ministry",
            "The grid operator"]  # fmt: skip
DEMO_SENTENCES = [
    "{subject} said on {day} that the {object} would be reviewed before the end of the month.",
    "Officials in {city} described the {object} as the most pressing question of the winter.",
    "{subject} has not yet published the full text of the {object}.",
    "According to two people familiar with the talks, the {object} could cost more than planned.",
    "Residents of {city} told reporters they had waited months for news of the {object}.",
    "The opposition called the {object} rushed, while {subject_lower} defended the timetable.",
    "Work on the {object} resumed on {day} after a short pause.",
    "Analysts expect {subject_lower} to return to the {object} in the spring.",
]
CITIES = ["Kyiv", "Kharkiv", "Odesa", "Lviv", "Dnipro", "Zaporizhzhia", "Mykolaiv", "Chernihiv"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
VERBS = ["approves", "rejects", "debates", "delays", "unveils", "questions", "backs", "warns about",
         "plans", "restores", "expands", "cuts"]  # fmt: skip
OBJECTS = ["new budget", "power grid repairs", "ceasefire talks", "grain corridor", "school reform",
           "drone defence plan", "housing aid", "rail link", "anti-corruption court", "winter heating",
           "export deal", "hospital funding", "sanctions package", "river crossing"]  # fmt: skip


def demo_titles(count: int, rng: random.Random) -> list[str]:
    """`count` different headlines (subject, verb, object and city: 21,504 in all)."""
    every = [
        f"{subject} {verb} {thing} in {city}"
        for subject in SUBJECTS
        for verb in VERBS
        for thing in OBJECTS
        for city in CITIES
    ]
    return rng.sample(every, k=count)


def demo_sentence(rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS)
    return rng.choice(DEMO_SENTENCES).format(
        subject=subject,
        subject_lower=subject[0].lower() + subject[1:] if subject.startswith("The ") else subject,
        object=rng.choice(OBJECTS),
        city=rng.choice(CITIES),
        day=rng.choice(DAYS),
    )


def demo_page(n: int, rng: random.Random, authors: list[str], titles: list[str]) -> str:
    """A page in the byline layout, dated within twelve years before 2026-12-01."""
    when = datetime(2026, 12, 1) - timedelta(minutes=rng.randrange(12 * 365 * 24 * 60))
    byline = " and ".join(rng.sample(authors, k=rng.choice([1, 1, 1, 2])))
    paragraphs = [
        " ".join(demo_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(4, 10))
    ]
    minutes = max(1, sum(len(p.split()) for p in paragraphs) // 230)
    stamp = f"{when:%B} {when.day}, {when.year} {when.hour % 12 or 12}:{when:%M} {when:%p}"
    caption = f"A street in {rng.choice(CITIES)} on {rng.choice(DAYS)}. ({rng.choice(CREDITS)})"
    hero = [titles[n], caption] if rng.random() < 0.7 else []
    lead_author = byline.split(" and ")[0]
    return "\n".join(
        [
            rng.choice(DEMO_SECTIONS), "", titles[n], "", f"by {byline} {stamp} {minutes} min read",
            *hero, "", "\n\n".join(paragraphs), "",
            titles[rng.randrange(len(titles))], demo_sentence(rng)[:80] + "…", "Article image",
            "Avatar", lead_author, "", "Reporter", "", f"{lead_author} covers the {rng.choice(OBJECTS)}.", "",
            "Read more",
        ]
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=20251118)
    parser.add_argument("--demo", action="store_true", help="readable, dated pages for `make demo`")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    args.folder.mkdir(parents=True, exist_ok=True)
    if args.demo:
        authors = [f"{first} {last}" for first in FIRST[:8] for last in LAST[:5]]
        titles = demo_titles(args.count, rng)
        pages = (demo_page(n, rng, authors, titles) for n in range(args.count))
    else:
        authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}" for i in range(300)]
        pages = (page_text(n, rng, authors) for n in range(args.count))
    for n, text in enumerate(pages):
        (args.folder / f"{n:07}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
