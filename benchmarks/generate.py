"""Write a realistic synthetic innoref library of N records, for the benchmarks.

The records look like the literature innoref serves: Norwegian, Nynorsk, Swedish
and Danish reports and articles on municipal innovation, by 1 to 6 authors with
Scandinavian names (æ ø å, hyphenated given names, particles), in report series
with numbers such as ``2013:52`` and ``11/2010``, with abstracts of about 60
words, keywords and the programme's themes. The output is innoref's own YAML:
one top-level ``- key:`` item per record, as a person would write it, and a copy
of the shipped ``themes.yaml``.

The same N and seed always give the same files, byte for byte, so benchmark
figures can be compared between runs. Every record is valid (``innoref check``
passes), since a benchmark of a broken library would measure error reporting.

Usage::

    python benchmarks/generate.py 50000 benchmarks/corpus/50k
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

FAMILY = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg", "Svendsen",
    "Bråthen", "Aarsæther", "Bolkesjø", "Skålholt", "Nygård", "Sæther", "Ødegård", "Håland",
    "Løken", "Bjørnstad", "Strøm", "Grønvold", "Åsheim", "Dæhlie", "Næss", "Søreide",
    "Kvåle", "Grøtting", "Røkkum", "Flø", "Kjærnes", "Vågen", "Myklebust", "Ringholm",
    "Teigen", "Skjeggedal", "Moland", "Hofstad", "Lien", "Renå", "Skattum", "Sollien", "Ure",
    "Vike", "Ellingsen", "Bogason", "Frankelius", "Utbult", "Lindström", "Åkesson", "Sjöberg",
    "Bäckström", "Nordström", "Öberg", "Lindqvist", "Holmqvist", "Mørk", "Fæste", "Østby",
]
GIVEN = [
    "Kari", "Ola", "Tone", "Håvard", "Bjørn", "Sølvi", "Åse", "Ingrid", "Øystein", "Jørgen",
    "Therese", "May-Britt", "Per", "Ragnhild", "Lise", "Leif E.", "Tormod", "Toril", "Nils",
    "Terje", "Asgeir", "Ketil", "Odd Bjørn", "Helge", "Christian", "Tone H.", "Mats", "Torjus",
    "Halvard", "Marit", "Siri", "Kjersti", "Trond", "Geir", "Hege", "Åsmund", "Gøril",
    "Anne-Lise", "Eirik", "Solveig", "Sigrun", "Bård", "Kåre", "Ståle", "Ægir", "Dagfinn",
    "Britt-Marie", "Göran", "Åsa", "Lena", "Jens", "Mette", "Søren", "Rune", "Vigdis",
]
PARTICLE_FAMILY = [("von", "Krogh"), ("de", "Vibe"), ("van der", "Hagen")]
ORGANISATIONS = [
    "Kommunal- og regionaldepartementet", "Kommunal- og moderniseringsdepartementet", "KS",
    "Direktoratet for forvaltning og IKT", "Sveriges Kommuner och Landsting", "Riksrevisjonen",
]

# (publisher, series, how its numbers look)
SERIES = [
    ("Fafo", "Fafo-rapport", "{year}:{n}"),
    ("Fafo", "Fafo-notat", "{year}:{n}"),
    ("Østlandsforskning", "ØF-rapport", "{n}/{year}"),
    ("Telemarksforsking", "Rapport", "{n}/{year}"),
    ("Norsk institutt for by- og regionforskning", "NIBR-rapport", "{year}:{n}"),
    ("Nordlandsforskning", "NF-rapport", "{n}/{year}"),
    ("Norut Tromsø", "Rapport", "{n}/{year}"),
    ("Agderforskning", "FoU-rapport", "{n}/{year}"),
    ("Uni Rokkansenteret", "Rapport", "{n}-{year}"),
    ("Trøndelag Forskning og Utvikling", "TFoU-rapport", "{year}:{n}"),
    ("NOVA", "NOVA Rapport", "{n}/{short}"),
    ("Høgskolen i Lillehammer", "Forskningsrapport", "{n}/{year}"),
    ("SINTEF Teknologi og samfunn", "SINTEF-rapport", "A{n}"),
]
JOURNALS = [
    "Tidsskrift for samfunnsforskning", "Norsk statsvitenskapelig tidsskrift",
    "Søkelys på arbeidslivet", "Nordisk administrativt tidsskrift",
    "Scandinavian Political Studies", "Public Management Review", "Kommunal ekonomi och politik",
    "Tidsskrift for velferdsforskning",
]
BOOK_PUBLISHERS = [
    ("Universitetsforlaget", "Oslo"), ("Gyldendal Akademisk", "Oslo"), ("Fagbokforlaget", "Bergen"),
    ("Cappelen Damm Akademisk", "Oslo"), ("Studentlitteratur", "Lund"), ("Abstrakt forlag", "Oslo"),
]
UNIVERSITIES = ["Universitetet i Oslo", "Universitetet i Bergen", "Universitetet i Tromsø",
                "Norges teknisk-naturvitenskapelige universitet", "Universitetet i Agder"]

NOUNS = [
    "innovasjon", "kommune", "kommunene", "tjenester", "tjenesteinnovasjon", "velferd",
    "samarbeid", "omdømme", "sykefravær", "nærvær", "heltidskultur", "deltid", "kompetanse",
    "rekruttering", "ledelse", "medvirkning", "frivillighet", "teknologi", "velferdsteknologi",
    "læring", "læringsnettverk", "nettverk", "evaluering", "styring", "samhandling",
    "innovasjonsarbeid", "innovasjonsprosesser", "kommunesektoren", "arbeidsgiverpolitikk",
    "partssamarbeid", "tillitsvalgte", "pleie- og omsorgstjenester", "barnehager", "skole",
    "helsetjenester", "hjemmetjenester", "interkommunalt samarbeid", "utviklingsarbeid",
    "verkemiddel", "verkemiddelaktørar", "kommunereform", "digitalisering", "brukermedvirkning",
    "arbeidstid", "turnus", "stillingsstørrelse", "lærdomar", "samskaping", "folkehelse",
]
ADJECTIVES = [
    "strategisk", "lokal", "regional", "kommunal", "nordisk", "norsk", "offentlig", "ny",
    "bedre", "innovativ", "systematisk", "tverrfaglig", "kunnskapsbasert", "bærekraftig",
]
TITLE_PATTERNS = [
    "{A} {n1} i {n2}",
    "{N1} og {n2} i kommunene",
    "{N1} og {n2}: {a} {n3} i norske kommuner",
    "Fra {n1} til {n2}",
    "{N1} i praksis – erfaringer fra {n2}",
    "{N1} som arbeidsmåte: en evaluering av {n2}",
    "Når {n1} møter {n2}",
    "{N1}, {n2} og {n3}",
    "Kommunesektorens {n1} – ein analyse av {n2}",
    "Den {a}e kommunen – lärdomar från {n1}",
]
SENTENCES = [
    "Rapporten undersøker {n1} og {n2} i {k} kommuner.",
    "Vi har intervjuet ledere, tillitsvalgte og ansatte om {n1}.",
    "Studien viser at {n1} krever {a} {n2} og god forankring i ledelsen.",
    "Kommunene som lyktes med {n1}, hadde tett samarbeid mellom partene.",
    "Analysen bygger på en spørreundersøkelse blant {k} rådmenn og data fra {n2}.",
    "Funnene peker på at {n1} henger sammen med {n2}.",
    "Vi drøfter hva {n1} betyr for {n2} og for innbyggerne.",
    "Erfaringene fra programmet Sammen om en bedre kommune viser at {n1} tar tid.",
    "Rapporten gir råd om hvordan kommunene kan arbeide med {n1} og {n2}.",
    "Materialet omfatter dokumenter, intervjuer og registerdata om {n1}.",
]
KEYWORDS = [
    "innovasjon", "kommuner", "sykefravær", "heltid", "deltid", "kompetanse", "rekruttering",
    "omdømme", "ledelse", "velferdsteknologi", "partssamarbeid", "læringsnettverk",
    "evaluering", "frivillighet", "samskaping", "digitalisering", "arbeidstid", "folkehelse",
]
THEMES = ["sykefravaer", "heltid-deltid", "kompetanse-rekruttering", "omdomme", "innovasjon"]
LANGUAGES = ["nb"] * 12 + ["nn"] * 4 + ["sv"] * 2 + ["en"] * 2 + ["da"]
_PLAIN = re.compile(r"^[A-Za-zÆØÅæøåÄÖÜäöüÉé0-9][^:#\"'\n]*$")


def scalar(value: str) -> str:
    """A YAML scalar as a person writes it: plain when that is safe, else quoted."""
    if _PLAIN.match(value) and not value.endswith((" ", "-")) and value.lower() not in (
        "yes", "no", "true", "false", "null", "on", "off", "y", "n"
    ) and not re.fullmatch(r"[0-9.:/-]+", value):
        return value
    return json.dumps(value, ensure_ascii=False)


def isbn13(rng: random.Random) -> str:
    body = "97882" + "".join(str(rng.randrange(10)) for _ in range(7))
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    check = (10 - total % 10) % 10
    return f"{body[:3]}-{body[3:5]}-{body[5:9]}-{body[9:12]}-{check}"


def fold_key(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
    return re.sub(r"[^a-z0-9]", "", text.lower().translate(table))


def person(rng: random.Random) -> str:
    if rng.random() < 0.03:
        particle, family = rng.choice(PARTICLE_FAMILY)
        return f"{{family: {family}, given: {scalar(rng.choice(GIVEN))}, particle: {particle}}}"
    return f"{{family: {scalar(rng.choice(FAMILY))}, given: {scalar(rng.choice(GIVEN))}}}"


def title(rng: random.Random) -> str:
    n1, n2, n3 = rng.sample(NOUNS, 3)
    a = rng.choice(ADJECTIVES)
    text = rng.choice(TITLE_PATTERNS).format(n1=n1, n2=n2, n3=n3, N1=n1.capitalize(), a=a, A=a.capitalize())
    return text[0].upper() + text[1:]


def abstract(rng: random.Random) -> str:
    words: list[str] = []
    while len(words) < 55:
        n1, n2 = rng.sample(NOUNS, 2)
        words += rng.choice(SENTENCES).format(n1=n1, n2=n2, a=rng.choice(ADJECTIVES), k=rng.randint(3, 120)).split()
    return " ".join(words)


def record(rng: random.Random, i: int, used: set[str]) -> str:
    year = rng.randint(1985, 2024)
    kind = rng.choices(["report", "article", "book", "chapter", "thesis"], [60, 20, 8, 7, 5])[0]
    lines = []
    if kind == "report" and rng.random() < 0.08:
        org = rng.choice(ORGANISATIONS)
        authors = [f"{{name: {scalar(org)}}}"]
        first = fold_key(org.split()[0])
    else:
        n = rng.choices([1, 2, 3, 4, 5, 6], [25, 25, 20, 14, 9, 7])[0]
        authors = [person(rng) for _ in range(n)]
        first = fold_key(re.search(r"family: \"?([^,\"}]+)", authors[0]).group(1))
    the_title = title(rng)
    word = fold_key(the_title.split()[0]) or "x"
    key = f"{first}{year}{word}"
    if key in used:
        key = f"{key}-{i}"
    used.add(key)
    lines.append(f"- key: {key}")
    lines.append(f"  type: {kind}")
    lines.append(f"  title: {scalar(the_title)}")
    lines.append("  authors:")
    lines += [f"    - {a}" for a in authors]
    lines.append(f"  year: {year}")
    if kind == "report":
        publisher, series, pattern = rng.choice(SERIES)
        number = pattern.format(year=year, n=rng.randint(1, 60), short=str(year)[2:])
        lines.append(f"  publisher: {scalar(publisher)}")
        lines.append(f"  series: {scalar(series)}")
        lines.append(f'  number: "{number}"')
    elif kind == "article":
        lines.append(f"  journal: {scalar(rng.choice(JOURNALS))}")
        lines.append(f'  volume: "{rng.randint(1, 40)}"')
        lines.append(f'  issue: "{rng.randint(1, 4)}"')
        start = rng.randint(1, 300)
        lines.append(f"  pages: {start}–{start + rng.randint(8, 30)}")
    elif kind in ("book", "chapter"):
        publisher, place = rng.choice(BOOK_PUBLISHERS)
        if kind == "chapter":
            lines.append(f"  booktitle: {scalar(title(rng))}")
        lines.append(f"  publisher: {scalar(publisher)}")
        lines.append(f"  place: {place}")
        if rng.random() < 0.5:
            lines.append(f"  isbn: {isbn13(rng)}")
    else:
        lines.append(f"  publisher: {scalar(rng.choice(UNIVERSITIES))}")
        lines.append("  genre: Doctoral dissertation")
    language = rng.choice(LANGUAGES)
    lines.append(f"  language: {language}")
    lines.append(f"  abstract: >-")
    text = abstract(rng)
    row: list[str] = []
    for word_ in text.split():
        if sum(len(w) + 1 for w in row) + len(word_) > 76:
            lines.append("    " + " ".join(row))
            row = []
        row.append(word_)
    lines.append("    " + " ".join(row))
    lines.append(f"  keywords: [{', '.join(rng.sample(KEYWORDS, rng.randint(2, 5)))}]")
    lines.append(f"  themes: [{', '.join(rng.sample(THEMES, rng.randint(1, 2)))}]")
    if rng.random() < 0.3:
        lines.append(f"  note: {scalar('Bestilt av KS. ' + rng.choice(SENTENCES).format(n1=rng.choice(NOUNS), n2=rng.choice(NOUNS), a='ny', k=12))}")
    return "\n".join(lines) + "\n"


def generate(n: int, folder: Path, seed: int = 2011) -> Path:
    """Write ``literature.yaml`` with ``n`` records and ``themes.yaml`` into ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    parts = [f"# Synthetic benchmark library: {n} records, seed {seed}. Generated by benchmarks/generate.py.\n\n"]
    parts += [record(rng, i, used) + "\n" for i in range(n)]
    (folder / "literature.yaml").write_text("".join(parts), encoding="utf-8")
    shutil.copy(REPO / "data" / "themes.yaml", folder / "themes.yaml")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("folder", type=Path, help="library folder to write")
    parser.add_argument("--seed", type=int, default=2011, help="random seed (default 2011)")
    args = parser.parse_args()
    folder = generate(args.n, args.folder, args.seed)
    size = (folder / "literature.yaml").stat().st_size
    print(f"wrote {args.n} records ({size / 1e6:.1f} MB) to {folder}")


if __name__ == "__main__":
    main()
