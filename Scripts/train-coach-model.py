#!/usr/bin/env python3
"""Train the coach's backup model, cross-validate it together with the rules, and choose its thresholds.

The model is two layers of logistic regression over the tokens the rules see (`attune annotate
--format tokens`): unigrams, bigrams and trigrams within a sentence, and the first and last word of
each sentence.
- Two side models say whether the reply holds any secure move, and any insecure move. They pool
  every labelled reply of a side, so they read a side better than any one move's model can.
- One model per move says which move of a side it is, and which n-gram gave it away.

The coach reads with its rules first. A side the rules found but whose side model is far below
zero (`--overrule-secure`, `--overrule-insecure`) is overruled: the rules' words were innocent in
this reply (unless it is the only side in a reply shorter than `--overrule-min-tokens`). For a side
left empty, the model adds one move when the side model is above its
threshold: the side's most probable move that no rule cancelled (negated, voided), with the move's
strongest n-gram as evidence.

Every labelled reply gets out-of-fold scores (models trained on the other folds) and that
combination is replayed here, so thresholds are compared on text the model never saw. Sets the
rules were never written from (`--unseen`) are reported apart: they are the honest estimate, and
thresholds are chosen on them. `--check` sets are scored with the model trained on the whole pool.

Usage:
  swift build -c release
  Scripts/train-coach-model.py ../shared/coach/dev.tsv Training/coach/*.tsv \\
      --unseen 'Training/coach/gen/*.tsv' [--search] [--check FILE.tsv...] [--out MODEL.tsv]
With --cache FILE the out-of-fold scores are kept and reused, so threshold experiments are quick:
TRY='1,1,2.5,-0.5,1.5,2,-2,-2.5,10;...' replays given thresholds (in the order --search prints),
SHOW_OVERRULE=1 prints a grid of overrule thresholds, SHOW_GRID=1 one of the mixed thresholds.
Needs numpy and scipy.
"""
import argparse, collections, glob, hashlib, itertools, os, pickle, shutil, subprocess, sys, tempfile
import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

MOVES = ["gentle-startup", "validation", "responsibility", "repair", "curiosity", "request", "reassurance",
         "self-soothing", "appreciation", "boundary", "criticism", "contempt", "defensiveness", "stonewalling",
         "dismissing", "withdrawal", "protest", "threat", "self-blame"]
SECURE = set(MOVES[:10])
M = len(MOVES)
SIDES = ["secure", "insecure"]
# Words too common to be the only evidence for a move (BackupModel.weakEvidence in Swift).
COMMON = set("""i you we it is are am be the a an to and not do that this me my your so just of in on for with
have was can will would what how why if but at really us let like about get all go ? ! . , going know want need
feel time there no one up out back then or when he she they them his her its our their been being were
always never""".split())


def is_weak(feature):
    """A feature made only of common words (and sentence edges) is no evidence on its own."""
    return all(w in COMMON or w in ("<s>", "</s>") for w in feature.split(" "))


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


def ngrams(words, offset, feats):
    """Words, pairs and triples of one sentence, its first and last word, at their first occurrence."""
    for i, w in enumerate(words):
        at = offset + i
        for gram, span in ((w, (at, at + 1)),
                           ("<s> " + w if i == 0 else None, (at, at + 1)),
                           (words[i - 1] + " " + w if i >= 1 else None, (at - 1, at + 1)),
                           (" ".join(words[i - 2:i + 1]) if i >= 2 else None, (at - 2, at + 1))):
            if gram is not None:
                feats.setdefault(gram, span)
    if words:
        feats.setdefault(words[-1] + " </s>", (offset + len(words) - 1, offset + len(words)))


def features(token_line):
    """The model's features of one reply, each with the token range of its first occurrence
    (index of the first token, one past the last): must match BackupModel's in Swift."""
    feats = {}
    offset = 0
    for sentence in token_line.split(" | "):
        words = sentence.split()
        ngrams(words, offset, feats)
        offset += len(words)
    return feats


def train(X, Y, l2, balance):
    """Logistic regressions, one per column of Y, fitted jointly with L-BFGS."""
    n, d = X.shape
    k = Y.shape[1]
    pos = Y.sum(0)
    weight = np.where(Y == 1, ((n - pos) / np.maximum(pos, 1)) ** balance, 1.0)
    weight /= weight.mean(0, keepdims=True)
    Xt = X.T.tocsr()

    def f(theta):
        W = theta[: d * k].reshape(d, k)
        b = theta[d * k:]
        Z = X @ W + b
        P = 1 / (1 + np.exp(-Z))
        loss = (weight * (np.logaddexp(0, Z) - Y * Z)).sum() + 0.5 * l2 * (W * W).sum()
        G = weight * (P - Y)
        return loss, np.concatenate([(Xt @ G + l2 * W).ravel(), G.sum(0)])

    res = minimize(f, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x[: d * k].reshape(d, k), res.x[d * k:]


class Model:
    """Per-move and side weights over one vocabulary of features."""

    def __init__(self, feats, Y, idx, a):
        counts = collections.Counter(f for k in idx for f in feats[k])
        self.vocab = sorted(f for f, c in counts.items() if c >= a.min_count)
        self.index = {f: i for i, f in enumerate(self.vocab)}
        X = self.matrix([feats[k] for k in idx])
        self.W, self.b = train(X, Y[idx], a.l2, a.balance)
        S = np.stack([Y[idx, :10].max(1), Y[idx, 10:].max(1)], 1)
        self.Ws, self.bs = train(X, S, a.side_l2, 0.0)
        # Small weights change little and would make the shipped file (and its load) several times larger.
        self.W[np.abs(self.W) < a.min_weight] = 0
        self.Ws[np.abs(self.Ws) < a.min_weight] = 0
        self.strong = np.array([not is_weak(f) for f in self.vocab])

    def matrix(self, featsets):
        ri, ci = [], []
        for r, fs in enumerate(featsets):
            for f in fs:
                j = self.index.get(f)
                if j is not None:
                    ri.append(r)
                    ci.append(j)
        return sp.csr_matrix((np.ones(len(ri)), (ri, ci)), shape=(len(featsets), len(self.vocab)))

    def scores(self, featsets):
        """Per reply: move logits, side logits, and each move's strongest evidence weight."""
        X = self.matrix(featsets)
        Z = X @ self.W + self.b
        S = X @ self.Ws + self.bs
        E = np.zeros((X.shape[0], M + 2))
        where = [[None] * (M + 2) for _ in range(X.shape[0])]
        both = np.hstack([self.W, self.Ws])
        for r in range(X.shape[0]):
            cols = X.indices[X.indptr[r]: X.indptr[r + 1]]
            cols = cols[self.strong[cols]]
            if len(cols):
                E[r] = both[cols].max(0)
                best = cols[both[cols].argmax(0)]
                where[r] = [featsets[r][self.vocab[c]] for c in best]
        return Z, S, E, where


def combine(reading, z, s, e, where, thresholds, structure="none"):
    """The coach's reading: the rules' moves, plus at most one move per side the rules left empty.

    `thresholds`: (secure, insecure) side logits needed when the rules found nothing, then
    (secure, insecure) when the rules found the other side (a mixed verdict is the costlier error),
    then the logit needed beside the other side when the evidence shares its words or clause
    (`structure` "overlap" or "clause"; "none" ignores where the evidence is)."""
    known, cancelled = reading["known"], reading["cancelled"]
    # A side the rules found but the side model is sure is absent: the rules' words were innocent here
    # (out of fold on the unseen sets, overruling at -2 / -2.5: 0.871 -> 0.891 verdict accuracy).
    # A side the rules found alone in a short reply stands: a few words are too little for the model
    # to judge ("Sorry.", "I never thought of things that way." are published repair phrases).
    if len(thresholds) > 8:
        sides = [any(m in SECURE for m in known), any(m not in SECURE for m in known)]
        for side, overrule in ((0, thresholds[6]), (1, thresholds[7])):
            if not sides[1 - side] and len(reading["clauses"]) < thresholds[8]:
                continue
            if s[side] < overrule:
                known = {m for m in known if (m in SECURE) != (side == 0)}
    out = set(known)
    found = [any(m in SECURE for m in known), any(m not in SECURE for m in known)]
    for side in (0, 1):
        if found[side]:
            continue
        members = range(0, 10) if side == 0 else range(10, M)
        options = [j for j in members if MOVES[j] not in cancelled]
        if not options:
            continue
        move = max(options, key=lambda j: z[j])
        # The model needs a cue, not just priors: an n-gram beyond common words that weighs for it.
        # The evidence shown must weigh for the move named.
        if e[move] > 0:
            span = where[move]
        else:
            continue
        threshold = thresholds[side]
        if found[1 - side]:
            threshold = thresholds[side + 2]
            others = [(a, b) for m, a, b in reading["hits"] if (m in SECURE) != (side == 0)]
            if structure != "none" and span is not None:
                shares = any(span[0] < b and a < span[1] for a, b in others)
                if structure == "clause" and reading["clauses"]:
                    clauses = {reading["clauses"][k] for a, b in others for k in range(a, min(b, len(reading["clauses"])))}
                    shares = shares or (span[0] < len(reading["clauses"]) and reading["clauses"][span[0]] in clauses)
                if shares:
                    threshold = max(thresholds[4], threshold)
        if s[side] > threshold:
            out.add(MOVES[move])
    # Further moves of a side already present, each confident on its own: the verdict stays as it is.
    if len(thresholds) > 5:
        for j, m in enumerate(MOVES):
            present = any((o in SECURE) == (m in SECURE) for o in out)
            if present and m not in out and m not in cancelled and z[j] > thresholds[5] and e[j] > 0:
                out.add(m)
    return out


def verdict(moves):
    s = any(m in SECURE for m in moves)
    i = any(m not in SECURE for m in moves)
    return "mixed" if s and i else "secure" if s else "insecure" if i else "neutral"


def score(golds, preds):
    right = unsafe = base = tp = fp = fn = 0
    for g, p in zip(golds, preds):
        gv, pv = verdict(g), verdict(p)
        right += gv == pv
        if gv in ("insecure", "mixed"):
            base += 1
            unsafe += pv == "secure"
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    return right / len(golds), unsafe / max(base, 1), (2 * tp / (2 * tp + fp + fn) if tp else 0.0)


def write_model(path, model, n, thresholds):
    with open(path, "w", encoding="utf-8") as out:
        out.write("# Backup model for the coach: logistic regression over token n-grams (Scripts/train-coach-model.py).\n")
        out.write(f"# Trained on {n} labelled replies; {len(model.vocab)} features. Side models (`side:secure`, `side:insecure`)\n")
        out.write("# say whether a side holds any move; a side the rules left empty gets its most probable move when the\n")
        out.write("# side model's logit is above `<threshold>` (`<mixed-threshold>` when the rules found the other side,\n")
        out.write("# `<same-place-threshold>` when the evidence is in that side's words or clause) and an\n")
        out.write("# n-gram beyond the `<weak-evidence>` words weighs for it. A side the rules found is overruled when its\n")
        out.write("# side model's logit is below `<overrule-threshold>`, unless it is the only side in a reply of fewer\n")
        out.write("# than `<overrule-min-tokens>` tokens. Thresholds: see the script's defaults.\n")
        out.write("move\tfeature\tweight\n")
        out.write("*\t<weak-evidence>\t" + " ".join(sorted(COMMON)) + "\n")
        out.write(f"*\t<extra-threshold>\t{thresholds[5]}\n")
        if len(thresholds) > 8:
            out.write(f"*\t<overrule-min-tokens>\t{thresholds[8]}\n")
        for side, name in enumerate(SIDES):
            out.write(f"side:{name}\t<threshold>\t{thresholds[side]}\n")
            out.write(f"side:{name}\t<mixed-threshold>\t{thresholds[side + 2]}\n")
            out.write(f"side:{name}\t<same-place-threshold>\t{max(thresholds[4], thresholds[side + 2])}\n")
            if len(thresholds) > 8 and thresholds[6 + side] > -99:
                out.write(f"side:{name}\t<overrule-threshold>\t{thresholds[6 + side]}\n")
            out.write(f"side:{name}\t<bias>\t{model.bs[side]:.4f}\n")
            for i in np.argsort(-np.abs(model.Ws[:, side])):
                if model.Ws[i, side] == 0:
                    break
                out.write(f"side:{name}\t{model.vocab[i]}\t{model.Ws[i, side]:.4f}\n")
        for j, move in enumerate(MOVES):
            out.write(f"{move}\t<bias>\t{model.b[j]:.4f}\n")
            for i in np.argsort(-np.abs(model.W[:, j])):
                if model.W[i, j] == 0:
                    break
                out.write(f"{move}\t{model.vocab[i]}\t{model.W[i, j]:.4f}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("train", nargs="+")
    ap.add_argument("--unseen", nargs="*", default=[], help="sets the rules were not written from (globs)")
    ap.add_argument("--check", nargs="*", default=[], help="scored with the model trained on the whole pool, never trained on")
    ap.add_argument("--attune", default=".build/release/attune")
    ap.add_argument("--folds", type=int, default=5, help="0: no cross-validation, only --check and --out")
    ap.add_argument("--l2", type=float, default=2.0)
    ap.add_argument("--side-l2", type=float, default=2.0)
    ap.add_argument("--balance", type=float, default=0.5)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--min-weight", type=float, default=0.1, help="weights smaller than this are dropped")
    # The shipped thresholds (session 3), compared on the unseen sets' out-of-fold figures (`--search`
    # and SHOW_GRID=1 print them). An insecure side that needs less than 1.0 alone flags replies with
    # nothing in them ("🙂"); beside a secure move, evidence in the secure move's own words or clause
    # needs 1.5, because lower marks published repair phrases ("One thing I admire about you is your
    # patience.") mixed (the highest insecure logit among the 43 in the tests is 1.04), while
    # evidence in another clause needs only -0.5 ("Thanks for cooking. Would it kill you to wipe the
    # counter?"): false reassurance 0.107 -> 0.047 at the same accuracy.
    ap.add_argument("--secure", type=float, default=1.0, help="secure side threshold (logit)")
    ap.add_argument("--insecure", type=float, default=1.0, help="insecure side threshold (logit)")
    ap.add_argument("--secure-mixed", type=float, default=2.5, help="secure side threshold when the rules found an insecure move")
    ap.add_argument("--insecure-mixed", type=float, default=-0.5, help="insecure side threshold when the rules found a secure move")
    ap.add_argument("--structure", choices=["none", "overlap", "clause"], default="clause",
                    help="beside the other side, evidence in its words (overlap) or its clause (clause, what the coach does) needs --same-place")
    ap.add_argument("--same-place", type=float, default=1.5, help="threshold for such evidence")
    # A further move of a side already present: 99 (never) 0.847/0.051/0.737 out of fold on unseen,
    # 3.0 .../0.745, 2.0 .../0.749, 1.0 .../0.753 (but 0.906 move F1 on the seen sets, from 0.913).
    ap.add_argument("--extra", type=float, default=2.0, help="a further move of a side already present needs its own logit above this")
    ap.add_argument("--overrule-secure", type=float, default=-2.0,
                    help="drop the rules' secure moves when the secure side model's logit is below this")
    ap.add_argument("--overrule-insecure", type=float, default=-2.5,
                    help="drop the rules' insecure moves when the insecure side model's logit is below this")
    ap.add_argument("--overrule-min-tokens", type=int, default=10,
                    help="a side the rules found alone in a reply of fewer tokens is never overruled")
    ap.add_argument("--search", action="store_true", help="choose the thresholds on the out-of-fold scores (the unseen sets, the seen at half weight)")
    ap.add_argument("--cache", help="keep the out-of-fold scores in this file and reuse them while the data and options are the same")
    ap.add_argument("--out", help="write the model trained on the whole pool here")
    a = ap.parse_args()

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
    resources = os.path.join(here, "..", "Sources", "AttuneKit", "Resources", "coach")
    for name in os.listdir(resources):
        if name.endswith(".yaml"):
            shutil.copy(os.path.join(resources, name), folder)
    texts = [t for t, _ in rows] + [t for _, r in checks for t, _ in r]
    feats = [features(t) for t in run(a.attune, "tokens", texts)]
    readings = []
    for line in run(a.attune, "rules", texts, folder):
        kept, cancelled, clauses = (line.split("\t") + ["", "", ""])[:3]
        hits = []
        for k in kept.split(","):
            if k:
                rule, _, span = k.partition("@")
                first, _, end = span.partition("-")
                hits.append((rule.split(".")[0], int(first), int(end)))
        readings.append({"known": {m for m, _, _ in hits}, "cancelled": {m for m in cancelled.split(",") if m},
                         "hits": hits, "clauses": [int(c) for c in clauses.split()]})
    shutil.rmtree(folder)

    n = len(rows)
    Y = np.array([[1.0 if m in moves else 0.0 for m in MOVES] for _, moves in rows])
    golds = [moves for _, moves in rows]
    thresholds = (a.secure, a.insecure, a.secure_mixed, a.insecure_mixed, a.same_place, a.extra,
                  a.overrule_secure, a.overrule_insecure, a.overrule_min_tokens)
    if a.folds > 0:  # --folds 0: only train the shipped model
        fold = np.random.default_rng(7).integers(0, a.folds, n)
        # The cache answers only for the same replies, labels, features and training options.
        key = hashlib.sha256(repr(([(t, sorted(m)) for t, m in rows], source, [list(f) for f in feats[:n]], a.folds,
                                   a.l2, a.side_l2, a.balance, a.min_count, a.min_weight)).encode()).hexdigest()
        cached = None
        if a.cache and os.path.exists(a.cache):
            with open(a.cache, "rb") as f:
                cached = pickle.load(f)
            if cached[0] != key:
                print(f"{a.cache} holds other data or options: cross-validating again", file=sys.stderr)
                cached = None
        if cached:
            Z, S, E, W_ = cached[1:]
            print(f"out-of-fold scores from {a.cache}", file=sys.stderr)
        else:
            Z, S, E = np.zeros((n, M)), np.zeros((n, 2)), np.zeros((n, M + 2))
            W_ = [None] * n
            for k in range(a.folds):
                model = Model(feats, Y, np.where(fold != k)[0], a)
                test = np.where(fold == k)[0]
                Z[test], S[test], E[test], spans = model.scores([feats[i] for i in test])
                for r, i in enumerate(test):
                    W_[i] = spans[r]
                print(f"fold {k + 1}/{a.folds}", file=sys.stderr)
            if a.cache:
                with open(a.cache, "wb") as f:
                    pickle.dump((key, Z, S, E, W_), f)

        def evaluate(thresholds, which):
            idx = [i for i in range(n) if source[i] == which]
            preds = [combine(readings[i], Z[i], S[i], E[i], W_[i], thresholds, a.structure) for i in idx]
            return score([golds[i] for i in idx], preds)

        def show(label, thresholds):
            parts = [f"{w} %.3f/%.3f/%.3f" % evaluate(thresholds, w) for w in ("seen", "unseen") if w in source]
            print(f"{label} thresholds secure {thresholds[0]} insecure {thresholds[1]}, beside the other side "
                  f"{thresholds[2]} {thresholds[3]}, there in the same place {thresholds[4]}: " + "  ".join(parts))

        counts = collections.Counter(source)
        print(f"{n} replies ({counts['seen']} the rules were written from, {counts['unseen']} unseen); "
              "figures are verdict accuracy / false reassurance / move micro-F1, out of fold")
        for which in ("seen", "unseen"):
            idx = [i for i in range(n) if source[i] == which]
            if idx:
                print(f"rules alone on {which}: %.3f/%.3f/%.3f" % score([golds[i] for i in idx], [readings[i]["known"] for i in idx]))
        show("given", thresholds)
        if a.search:
            # Accuracy, with false reassurance above the bar's 0.03 costing double, and a little move F1;
            # on the unseen sets, and at half weight on the seen ones: on unseen text alone the search
            # buys half a point there with four points on the seen sets (dev.tsv, the expert phrases).
            # Coordinate ascent from the given thresholds: each in turn moves to its best value on a grid,
            # the others held, twice round.
            gain = lambda r: r[0] - 2 * max(0, r[1] - 0.03) + 0.25 * r[2]
            objective = lambda t: sum(weight * gain(evaluate(t, which)) for which, weight in (("unseen", 1.0), ("seen", 0.5))
                                      if which in source)
            grids = [[-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]] * 6 + [[-99.0, -4.0, -3.0, -2.5, -2.0, -1.5, -1.0]] * 2
            best = list(thresholds)
            for _ in range(2):
                for k, grid in enumerate(grids):
                    best[k] = max(grid, key=lambda v: objective(tuple(best[:k] + [v] + best[k + 1:])))
            show("best", tuple(best))
            print("  (secure, insecure, secure-mixed, insecure-mixed, same-place, extra, overrule-secure, overrule-insecure, "
              "overrule-min-tokens) =", tuple(best))
            if os.environ.get("SHOW_GRID") and "unseen" in source:
                for im, same in itertools.product(grids[0], [0.5, 1.0, 1.5, 2.0, 99.0]):
                    print("  insecure beside secure %4.1f, in the same place %4.1f: %.3f/%.3f/%.3f"
                          % ((im, same) + evaluate(thresholds[:3] + (im, same) + thresholds[5:], "unseen")))
        for text in filter(None, os.environ.get("TRY", "").split(";")):
            show("try", tuple(float(v) for v in text.split(",")))
        if os.environ.get("SHOW_OVERRULE"):
            for vs, vi in itertools.product([-99.0, -4.0, -3.0, -2.5, -2.0, -1.5, -1.0], [-99.0, -4.0, -3.0, -2.5, -2.0, -1.5, -1.0]):
                show(f"overrule {vs} {vi}", thresholds[:6] + (vs, vi) + thresholds[8:])

    if checks or a.out:
        model = Model(feats, Y, np.arange(n), a)
        offset = n
        for path, crow in checks:
            idx = list(range(offset, offset + len(crow)))
            offset += len(crow)
            z, s, e, spans = model.scores([feats[i] for i in idx])
            preds = [combine(readings[i], z[r], s[r], e[r], spans[r], thresholds, a.structure) for r, i in enumerate(idx)]
            golds_c = [m for _, m in crow]
            print(f"check {os.path.basename(path)}: %.3f/%.3f/%.3f" % score(golds_c, preds)
                  + " (rules alone %.3f/%.3f/%.3f)" % score(golds_c, [readings[i]["known"] for i in idx]))
        if a.out:
            write_model(a.out, model, n, thresholds)
            print(f"{n} replies, {len(model.vocab)} features -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
