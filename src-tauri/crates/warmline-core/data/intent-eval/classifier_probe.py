"""Experiment, not part of the app or the test suite: would a plain
character n-gram classifier, trained on the labelled development data,
reach what the phrase rules miss on fresh rounds?

Run (Python 3 with scikit-learn 1.5.2 in a venv of your own):
  python3 -m venv /tmp/clsvenv && /tmp/clsvenv/bin/pip install scikit-learn==1.5.2
  /tmp/clsvenv/bin/python src-tauri/crates/warmline-core/data/intent-eval/classifier_probe.py

Fixed before the first run, never changed after: TF-IDF over char_wb 1-4
grams (sublinear tf), logistic regression C=10 with balanced classes, three
labels (person, urgent, none). For round k it is trained on the data files
of DEV_SET as they were at the commit round k was first measured on,
without rounds >= k (so none of the helpers' probes written after round k
was seen), and combined with the rules' first-measured decisions (the wrong
lines in RESULTS.md): the rules' decision where they made one, the
classifier's where they said none.
"""
import re, sys, pathlib
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

core = pathlib.Path(__file__).resolve().parents[2]
spec = (core / "tests/handoff_phrases.rs").read_text()
files = re.findall(r'include_str!\("\.\./data/([^"]+)"\)', spec)

import subprocess
MATCHER = {16: "18737b1", 17: "18737b1", 18: "46c3633", 19: "4cb80c7"}

def text_at(commit, rel):
    if commit is None:
        return (core / rel).read_text()
    return subprocess.run(["git", "-C", str(core), "show", f"{commit}:src-tauri/crates/warmline-core/{rel}"],
                          capture_output=True, text=True, check=True).stdout

def files_at(commit):
    return re.findall(r'include_str!\("\.\./data/([^"]+)"\)', text_at(commit, "tests/handoff_phrases.rs"))

def load(rel, commit=None):
    rows = []
    for n, line in enumerate(text_at(commit, "data/" + rel).splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        label, text = cols[0].split(":")[0], cols[-1]
        rows.append((n, label, cols[1], text))
    return rows

def round_no(rel):
    m = re.search(r"round-(\d+)\.tsv", rel)
    return int(m.group(1)) if m else None

# The rules' first-measured wrong lines: round -> {line: got}
results = (core / "data/intent-eval/RESULTS.md").read_text()
first_wrong = {}
for sec in re.split(r"\n## ", results):
    m = re.match(r"Round (\d+) — ", sec)
    if not m:
        continue
    k = int(m.group(1))
    got = {}
    for lm in re.finditer(r"line\s+(\d+) \[[^\]]*\] expected \S+, got (\S+?)(?::\S+)? by", sec):
        got[int(lm.group(1))] = lm.group(2).rstrip(",")
    first_wrong[k] = got

def scores(pairs, cls):
    tp = sum(1 for e, g in pairs if e == cls and g == cls)
    fp = sum(1 for e, g in pairs if e != cls and g == cls)
    fn = sum(1 for e, g in pairs if e == cls and g != cls)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, tp, fp, fn

print(f"{'round':>5} {'n':>4} | {'rules person P/R':>17} {'rules urgent P/R':>17} | {'clf person P/R':>15} {'clf urgent P/R':>15} | {'rules+clf person':>17} {'rules+clf urgent':>17}")
tot = {"rules": [], "clf": [], "both": []}
for k in [16, 17, 18, 19]:
    c = MATCHER[k]
    train = [r for f in files_at(c) if (round_no(f) is None or round_no(f) < k) for r in load(f, c)]
    test = load(f"intent-eval/round-{k}.tsv")
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)
    x = vec.fit_transform([t for _, _, _, t in train])
    clf = LogisticRegression(C=10, max_iter=3000, class_weight="balanced").fit(x, [l for _, l, _, _ in train])
    pred = clf.predict(vec.transform([t for _, _, _, t in test]))
    wrong = first_wrong.get(k, {})
    rules = [(lab, wrong.get(n, lab)) for (n, lab, _, _) in test]
    both = [(lab, g if g != "none" else c) for (lab, g), c in zip(rules, pred)]
    cl = list(zip([lab for _, lab, _, _ in test], pred))
    if "--errors" in sys.argv:
        for (n, lab, variant, text), (_, g), c in zip(test, rules, pred):
            final = g if g != "none" else c
            if final != lab:
                print(f"    round {k} line {n} [{variant}] expected {lab}, rules {g}, classifier {c}: {text}")
    for name, pairs in (("rules", rules), ("clf", cl), ("both", both)):
        tot[name] += pairs
    f = lambda pairs, c: "%.3f/%.3f" % scores(pairs, c)[:2]
    print(f"{k:>5} {len(test):>4} | {f(rules,'person'):>17} {f(rules,'urgent'):>17} | {f(cl,'person'):>15} {f(cl,'urgent'):>15} | {f(both,'person'):>17} {f(both,'urgent'):>17}")
f = lambda pairs, c: "%.3f/%.3f" % scores(pairs, c)[:2]
print(f"{'16-19':>5} {len(tot['rules']):>4} | {f(tot['rules'],'person'):>17} {f(tot['rules'],'urgent'):>17} | {f(tot['clf'],'person'):>15} {f(tot['clf'],'urgent'):>15} | {f(tot['both'],'person'):>17} {f(tot['both'],'urgent'):>17}")
for name in tot:
    for c in ("person", "urgent"):
        p, r, tp, fp, fn = scores(tot[name], c)
        print(f"  {name:5} {c:6} tp {tp} fp {fp} fn {fn}")
