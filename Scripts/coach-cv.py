#!/usr/bin/env python3
"""Cross-validate the coach's backup model together with the rules, and choose its thresholds.

Every labelled reply of the training pool gets an out-of-fold probability per move (a model trained
on the other folds), then the coach's combination (rules first; the model adds at most one move per
side, above its threshold, never a move a rule cancelled, the other side only above the mixed
threshold) is replayed in Python, so thresholds can be compared on text the model never saw.
Sets the rules were never written from (`--unseen` globs) are reported apart: they are the honest
estimate, and the thresholds are chosen on them.

Usage: Scripts/coach-cv.py [--attune PATH] [--folds 5] [--search] TRAIN.tsv... [--unseen GLOB...]
"""
import argparse, collections, glob, itertools, os, subprocess, sys, tempfile, shutil
import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

MOVES = ["gentle-startup", "validation", "responsibility", "repair", "curiosity", "request", "reassurance",
         "self-soothing", "appreciation", "boundary", "criticism", "contempt", "defensiveness", "stonewalling",
         "dismissing", "withdrawal", "protest", "threat", "self-blame"]
SECURE = set(MOVES[:10])
M = len(MOVES)


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = {n: i for i, n in enumerate(header)}
        for line in f:
            if not line.strip():
                continue
            cells = line.rstrip("\n").split("\t") + ["", "", ""]
            moves = {m.strip() for m in cells[col["moves"]].split(",") if m.strip()}
            rows.append((cells[col["text"]], moves & set(MOVES)))
    return rows


def run(binary, fmt, texts, rules_folder=None):
    env = dict(os.environ)
    if rules_folder:
        env["ATTUNE_COACH_RULES"] = rules_folder
    out = subprocess.run([binary, "annotate", "--format", fmt], input="".join(t.replace("\n", " ") + "\n" for t in texts).encode(),
                         capture_output=True, check=True, env=env)
    return out.stdout.decode().split("\n")[: len(texts)]


def features(token_line, rule_line, kinds):
    """The model's features: must match BackupModel.features(in:) in Swift."""
    feats = set()
    for sentence in token_line.split(" | "):
        words = sentence.split()
        for i, w in enumerate(words):
            feats.add(w)
            if i + 1 < len(words):
                feats.add(w + " " + words[i + 1])
            if "tri" in kinds and i + 2 < len(words):
                feats.add(w + " " + words[i + 1] + " " + words[i + 2])
        if "edge" in kinds and words:
            feats.add("<s> " + words[0])
            feats.add(words[-1] + " </s>")
    if "rules" in kinds:
        kept, _, cancelled = rule_line.partition("\t")
        for r in kept.split(","):
            if r:
                feats.add("<rule:" + r.split(".")[0] + ">")
        for m in cancelled.split(","):
            if m:
                feats.add("<cancelled:" + m + ">")
    return feats


def train(X, Y, l2, balance):
    """Joint logistic regression, one column per move, fitted with L-BFGS."""
    n, d = X.shape
    pos = Y.sum(0)
    weight = np.where(Y == 1, ((n - pos) / np.maximum(pos, 1)) ** balance, 1.0)
    weight /= weight.mean(0, keepdims=True)
    Xt = X.T.tocsr()

    def f(theta):
        W = theta[: d * M].reshape(d, M)
        b = theta[d * M:]
        Z = X @ W + b
        P = 1 / (1 + np.exp(-Z))
        loss = (weight * (np.logaddexp(0, Z) - Y * Z)).sum() + 0.5 * l2 * (W * W).sum()
        G = weight * (P - Y)
        gW = Xt @ G + l2 * W
        return loss, np.concatenate([gW.ravel(), G.sum(0)])

    theta = np.zeros(d * M + M)
    res = minimize(f, theta, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x[: d * M].reshape(d, M), res.x[d * M:]


def combine(known, cancelled, probs, evidence, thr, mixed, min_ev):
    has_s = any(m in SECURE for m in known)
    has_i = any(m not in SECURE for m in known)
    out = set(known)
    if has_s and has_i:
        return out
    best = {}
    for j, m in enumerate(MOVES):
        if m in known or m in cancelled:
            continue
        p = probs[j]
        if p <= thr[j] or evidence[j] < min_ev:
            continue
        s = m in SECURE
        if (s and has_s) or (not s and has_i):
            continue
        if (has_s or has_i) and p < mixed:
            continue
        if p > best.get(s, (0, None))[0]:
            best[s] = (p, m)
    for p, m in best.values():
        out.add(m)
    return out


def verdict(moves):
    s = any(m in SECURE for m in moves)
    i = any(m not in SECURE for m in moves)
    return "mixed" if s and i else "secure" if s else "insecure" if i else "neutral"


def score(golds, preds):
    right = unsafe = base = 0
    tp = fp = fn = 0
    for g, p in zip(golds, preds):
        gv, pv = verdict(g), verdict(p)
        right += gv == pv
        if gv in ("insecure", "mixed"):
            base += 1
            unsafe += pv == "secure"
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return right / len(golds), unsafe / max(base, 1), f1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train", nargs="+")
    ap.add_argument("--unseen", nargs="*", default=[], help="sets the rules were not written from")
    ap.add_argument("--check", nargs="*", default=[], help="scored with a model trained on the whole pool, never trained on")
    ap.add_argument("--attune", default=".build/release/attune")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, default=2.0)
    ap.add_argument("--balance", type=float, default=0.5)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--kinds", default="", help="extra features: tri,edge,rules")
    ap.add_argument("--search", action="store_true")
    ap.add_argument("--secure", type=float, default=0.9)
    ap.add_argument("--insecure", type=float, default=0.5)
    ap.add_argument("--mixed", type=float, default=0.7)
    ap.add_argument("--min-evidence", type=float, default=0.5)
    a = ap.parse_args()
    kinds = set(a.kinds.split(","))

    rows, source, seen = [], [], set()
    unseen_paths = {p for g in a.unseen for p in glob.glob(g)}
    for path in list(a.train) + sorted(unseen_paths):
        for text, moves in read_tsv(path):
            if text not in seen:
                seen.add(text)
                rows.append((text, moves))
                source.append("unseen" if path in unseen_paths else "seen")
    checks = [(p, read_tsv(p)) for g in a.check for p in sorted(glob.glob(g))]

    # The rules alone: a copy of the rule folder without the model.
    folder = tempfile.mkdtemp()
    here = os.path.dirname(os.path.abspath(__file__))
    res = os.path.join(here, "..", "Sources", "AttuneKit", "Resources", "coach")
    for name in os.listdir(res):
        if name.endswith(".yaml"):
            shutil.copy(os.path.join(res, name), folder)
    texts = [t for t, _ in rows] + [t for _, r in checks for t, _ in r]
    toks = run(a.attune, "tokens", texts)
    rules = run(a.attune, "rules", texts, folder)
    shutil.rmtree(folder)
    feats = [features(t, r, kinds) for t, r in zip(toks, rules)]
    readings = []
    for r in rules:
        kept, _, cancelled = r.partition("\t")
        readings.append(({k.split(".")[0] for k in kept.split(",") if k}, {m for m in cancelled.split(",") if m}))

    n = len(rows)
    Y = np.array([[1.0 if m in moves else 0.0 for m in MOVES] for _, moves in rows])
    rng = np.random.default_rng(7)
    fold = rng.integers(0, a.folds, n)

    def matrix(vocab, subset):
        index = {f: i for i, f in enumerate(vocab)}
        ri, ci = [], []
        for r, k in enumerate(subset):
            for f in feats[k]:
                if f in index:
                    ri.append(r)
                    ci.append(index[f])
        return sp.csr_matrix((np.ones(len(ri)), (ri, ci)), shape=(len(subset), len(vocab)))

    def fit(train_idx):
        counts = collections.Counter(f for k in train_idx for f in feats[k])
        vocab = sorted(f for f, c in counts.items() if c >= a.min_count)
        W, b = train(matrix(vocab, train_idx), Y[train_idx], a.l2, a.balance)
        return vocab, W, b

    def predict(model, idx):
        vocab, W, b = model
        X = matrix(vocab, idx)
        P = 1 / (1 + np.exp(-(X @ W + b)))
        E = np.zeros((len(idx), M))
        for r in range(len(idx)):
            cols = X.indices[X.indptr[r]: X.indptr[r + 1]]
            if len(cols):
                E[r] = W[cols].max(0)
        return P, E

    P = np.zeros((n, M))
    E = np.zeros((n, M))
    for k in range(a.folds):
        tr = np.where(fold != k)[0]
        te = np.where(fold == k)[0]
        p, e = predict(fit(tr), te)
        P[te], E[te] = p, e
        print(f"fold {k + 1}/{a.folds}", file=sys.stderr)

    golds = [moves for _, moves in rows]

    def evaluate(sec, ins, mixed, min_ev, which):
        thr = [sec if m in SECURE else ins for m in MOVES]
        idx = [i for i in range(n) if which == "all" or source[i] == which]
        preds = [combine(readings[i][0], readings[i][1], P[i], E[i], thr, mixed, min_ev) for i in idx]
        return score([golds[i] for i in idx], preds)

    def show(label, sec, ins, mixed, min_ev):
        parts = []
        for which in ("seen", "unseen"):
            if which in source:
                acc, fr, f1 = evaluate(sec, ins, mixed, min_ev, which)
                parts.append(f"{which} {acc:.3f}/{fr:.3f}/{f1:.3f}")
        print(f"{label} secure {sec} insecure {ins} mixed {mixed} min-ev {min_ev}: " + "  ".join(parts))

    counts = collections.Counter(source)
    print(f"{n} replies ({counts['seen']} seen by the rules, {counts['unseen']} unseen); kinds {sorted(kinds - {''})}")
    idx_rules = [i for i in range(n) if source[i] == "unseen"]
    if idx_rules:
        acc, fr, f1 = score([golds[i] for i in idx_rules], [readings[i][0] for i in idx_rules])
        print(f"rules alone on unseen: {acc:.3f}/{fr:.3f}/{f1:.3f}")
    show("current", a.secure, a.insecure, a.mixed, a.min_evidence)
    best = None
    if a.search:
        for sec, ins, mixed, min_ev in itertools.product([0.5, 0.6, 0.7, 0.8, 0.9], [0.3, 0.4, 0.5, 0.6],
                                                          [0.5, 0.6, 0.7, 0.8, 0.9], [0.0, 0.25, 0.5]):
            which = "unseen" if "unseen" in source else "all"
            acc, fr, f1 = evaluate(sec, ins, mixed, min_ev, which)
            value = acc - 2 * max(0, fr - 0.03) + 0.25 * f1
            if best is None or value > best[0]:
                best = (value, sec, ins, mixed, min_ev)
        show("best", *best[1:])
    if checks:
        model = fit(np.arange(n))
        sec, ins, mixed, min_ev = best[1:] if best else (a.secure, a.insecure, a.mixed, a.min_evidence)
        thr = [sec if m in SECURE else ins for m in MOVES]
        offset = n
        for path, crow in checks:
            idx = list(range(offset, offset + len(crow)))
            offset += len(crow)
            vocab, W, b = model
            index = {f: i for i, f in enumerate(vocab)}
            preds = []
            for i in idx:
                cols = [index[f] for f in feats[i] if f in index]
                z = b + (W[cols].sum(0) if cols else 0)
                p = 1 / (1 + np.exp(-z))
                e = W[cols].max(0) if cols else np.zeros(M)
                preds.append(combine(readings[i][0], readings[i][1], p, e, thr, mixed, min_ev))
            acc, fr, f1 = score([m for _, m in crow], preds)
            racc, rfr, rf1 = score([m for _, m in crow], [readings[i][0] for i in idx])
            print(f"check {os.path.basename(path)}: {acc:.3f}/{fr:.3f}/{f1:.3f} (rules alone {racc:.3f}/{rfr:.3f}/{rf1:.3f})")


main()
