#!/usr/bin/env python3
"""Train the coach's backup model: one logistic regression per move over normalised token n-grams.

The rules are the coach's first reader; this model only adds a move the rules missed when it is
confident. Features are the tokens `attune annotate --format tokens` prints (the same normalisation
the rules see): unigrams and bigrams within a sentence. Output: a TSV of weights the coach loads.

Usage: Scripts/train-coach-model.py OUT.tsv TRAIN.tsv... [--attune PATH] [--eval TEST.tsv]
"""
import argparse, collections, json, math, os, subprocess, sys
import numpy as np

MOVES = ["gentle-startup", "validation", "responsibility", "repair", "curiosity", "request", "reassurance",
         "self-soothing", "appreciation", "boundary", "criticism", "contempt", "defensiveness", "stonewalling",
         "dismissing", "withdrawal", "protest", "threat", "self-blame"]

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
            rows.append((cells[col["text"]], moves))
    return rows

def tokens(binary, texts):
    out = subprocess.run([binary, "annotate", "--format", "tokens"], input="".join(t.replace("\n", " ") + "\n" for t in texts).encode(),
                         capture_output=True, check=True, env={**os.environ, "ATTUNE_COACH_RULES": ""})
    return out.stdout.decode().split("\n")[: len(texts)]

def features(token_line):
    feats = set()
    for sentence in token_line.split(" | "):
        words = sentence.split()
        for i, w in enumerate(words):
            feats.add(w)
            if i + 1 < len(words):
                feats.add(w + " " + words[i + 1])
    return feats

def train(X, y, l2=1.0, epochs=400, lr=1.0, balance=0.0):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    pos = y.sum()
    # `balance` 0: plain (calibrated) likelihood; 1: positives weigh as much as negatives in total
    weight = np.where(y == 1, ((n - pos) / max(pos, 1)) ** balance, 1.0)
    weight = weight / weight.mean()
    for _ in range(epochs):
        z = X @ w + b
        p = 1 / (1 + np.exp(-z))
        g = (p - y) * weight
        w -= lr * (X.T @ g / n + l2 * w / n)
        b -= lr * g.mean()
    return w, b

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("train", nargs="+")
    ap.add_argument("--attune", default=".build/release/attune")
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--l2", type=float, default=2.0)
    ap.add_argument("--balance", type=float, default=0.5)
    a = ap.parse_args()
    rows, seen = [], set()
    for path in a.train:
        for text, moves in read_tsv(path):
            if text not in seen:
                seen.add(text)
                rows.append((text, moves))
    toks = tokens(a.attune, [t for t, _ in rows])
    feats = [features(t) for t in toks]
    counts = collections.Counter(f for fs in feats for f in fs)
    vocab = sorted(f for f, c in counts.items() if c >= a.min_count)
    index = {f: i for i, f in enumerate(vocab)}
    X = np.zeros((len(rows), len(vocab)))
    for r, fs in enumerate(feats):
        for f in fs:
            if f in index:
                X[r, index[f]] = 1.0
    with open(a.out, "w", encoding="utf-8") as out:
        out.write(f"# Backup model for the coach: logistic regression per move over token n-grams.\n")
        out.write(f"# Trained by Scripts/train-coach-model.py on {len(rows)} labelled replies; {len(vocab)} features.\n")
        out.write("move\tfeature\tweight\n")
        for move in MOVES:
            y = np.array([1.0 if move in m else 0.0 for _, m in rows])
            w, b = train(X, y, l2=a.l2, balance=a.balance)
            out.write(f"{move}\t<bias>\t{b:.4f}\n")
            for i in np.argsort(-np.abs(w)):
                if abs(w[i]) < 0.05:
                    break
                out.write(f"{move}\t{vocab[i]}\t{w[i]:.4f}\n")
    print(f"{len(rows)} replies, {len(vocab)} features -> {a.out}", file=sys.stderr)

main()
