"""The words the open-answer checker knows: sentence and clause boundaries, negations, stop
words and light words, the domain's phrases and synonyms, numbers and their units."""

from __future__ import annotations

SENTENCE_ENDS = {".", ";", "!", "?"}
"""A point is looked for within one sentence of the answer."""
BOUNDARIES = {".", ";", ":", "!", "?", ",", "(", ")", "[", "]", "->", "→", "-", "–", "—"}
SCOPE_ENDERS = {
    "but", "however", "although", "though", "whereas", "while", "yet", "instead",
    "and", "so", "because", "since", "which", "then", "unlike",
}  # fmt: skip
NEGATORS = {
    "not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without",
    "cannot", "lack", "lacks", "lacking", "dont", "doesnt", "didnt", "isnt", "arent",
    "wasnt", "werent", "cant", "wont", "shouldnt", "couldnt", "wouldnt", "hasnt", "havent",
    "hadnt", "neednt", "mustnt", "dosnt", "dosent", "doesent",
}  # fmt: skip
STOP_WORDS = {
    "a", "an", "the", "of", "to", "in", "on", "for", "by", "with", "from", "at", "as", "into",
    "onto", "about", "is", "are", "was", "were", "be", "been", "being", "am", "it", "its",
    "this", "that", "these", "those", "there", "here", "they", "them", "their", "we", "our",
    "you", "your", "he", "she", "his", "her", "i", "me", "my", "do", "does", "did", "done",
    "has", "have", "had", "having", "will", "would", "shall", "should", "may", "might",
    "could", "can", "or", "and", "but", "if", "so", "than", "then", "which", "who", "whom",
    "what", "when", "where", "how", "why", "also", "very", "just", "e", "g", "eg", "ie",
    "etc", "such", "like", "some", "any", "other", "own", "itself", "themselves", "up",
    "out", "over", "both", "either", "via", "because", "since", "while", "whereas", "yes",
    "only", "even", "too", "well", "much", "really", "thing", "things", "b", "c", "d", "f",
    "h", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
    "mean", "means", "something", "anything", "everything", "whole", "one's",
}  # fmt: skip
LIGHT_WORDS = {
    "need", "use", "make", "get", "keep", "often", "usually", "more", "less", "many", "way",
    "part", "all", "each", "every", "same", "machine", "learn", "model", "data", "system",
    "work", "stay", "go", "lot", "set", "step",
}  # fmt: skip

# Written one way before anything else (whole words, on folded text).
PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("ml",): ("machine", "learning"),
    ("ai",): ("artificial", "intelligence"),
    ("ci",): ("continuous", "integration"),
    ("cd",): ("continuous", "delivery"),
    ("ct",): ("continuous", "training"),
    ("continuous", "deployment"): ("continuous", "delivery"),
    ("eda",): ("exploratory", "data", "analysis"),
    ("dag",): ("directed", "acyclic", "graph"),
    ("prod",): ("production",),
    ("dev",): ("development",),
    ("env",): ("environment",),
    ("i", "o"): ("input", "output"),
    ("io",): ("input", "output"),
    ("a", "b"): ("ab",),
    ("data", "set"): ("data",),
    ("data", "sets"): ("data",),
    ("dataset",): ("data",),
    ("datasets",): ("data",),
    ("hold", "out"): ("holdout",),
    ("held", "out"): ("holdout",),
    ("hand", "over"): ("handover",),
    ("hand", "off"): ("handover",),
    ("by", "hand"): ("manual",),
    ("per", "cent"): ("percent",),
    ("pct",): ("percent",),
    ("%",): ("percent",),
    ("half",): ("50", "percent"),
    ("irrelevant",): ("not", "matter"),
    ("unnecessary",): ("not", "need"),
    ("unlabeled",): ("no", "labels"),
    ("unlabelled",): ("no", "labels"),
    ("no", "side", "effects"): ("pure",),
    ("without", "side", "effects"): ("pure",),
    ("side", "effect", "free"): ("pure",),
    ("re", "train"): ("retrain",),
    ("re", "trained"): ("retrained",),
    ("re", "training"): ("retraining",),
    ("train", "again"): ("retrain",),
    ("trained", "again"): ("retrained",),
    ("again", "and", "again"): ("repeatedly",),
    ("a", "lot"): ("lot",),
    ("alot",): ("lot",),
}
PHRASE_LONGEST = max(len(k) for k in PHRASES)

# Each group is written as one term (the first word's); words are stemmed before lookup.
SYNONYMS = (
    ("label", "annotation", "annotate", "annotator", "labeller", "tag"),
    ("wrong", "incorrect", "incorrectly", "erroneous", "mistaken", "false"),
    ("example", "sample", "instance", "record", "observation", "datapoint"),
    ("change", "drift", "shift", "evolve", "modify", "modified", "alter"),
    ("decay", "degrade", "degradation", "deteriorate", "worsen", "worse", "decline"),
    ("monitor", "watch", "track", "observe"),
    ("rare", "infrequent", "seldom", "unusual", "uncommon"),
    ("release", "deploy", "deployment", "ship"),
    ("need", "require", "necessary", "must"),
    ("fresh", "new", "recent"),
    ("quick", "fast", "rapid", "rapidly"),
    ("large", "big", "huge", "massive", "significant", "significantly", "millions"),
    ("small", "little", "tiny", "few", "handful"),
    ("fixed", "constant", "frozen", "unchanged"),
    ("improve", "better", "enhance"),
    ("automate", "automatic", "automation", "automatically"),
    ("reuse", "reusable"),
    ("reproduce", "reproducible", "reproducibility"),
    ("consistent", "uniform"),
    ("environment", "surroundings"),
    ("production", "live"),
    ("performance", "accuracy"),
    ("silently", "quietly", "unnoticed", "silent", "quiet"),
    ("pipeline", "workflow"),
    ("stop", "halt", "abort"),
    ("trigger", "start", "launch"),
    ("package", "bundle", "wheel", "container", "docker", "containerise", "containerize"),
    ("wrap", "wrapper"),
    ("statistics", "distribution"),
    ("mobile", "phone", "smartphone"),
    ("baseline", "reference"),
    ("differ", "different", "difference"),
    ("experiment", "experimental", "experimentation"),
    ("manual", "manually"),
    ("schedule", "periodic", "periodically", "nightly", "cron"),
    ("run", "execute", "execution"),
    ("repeat", "repeated", "repeatedly", "recurring"),
    ("combine", "compose", "merge", "join"),
    ("order", "sequence"),
    ("organisation", "organization", "company", "firm"),
    ("optimise", "optimize"),
    ("behaviour", "behavior"),
)

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
NUMBER_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
UNITS = {
    "percent": "percent", "day": "day", "days": "day", "week": "week", "weeks": "week",
    "month": "month", "months": "month", "year": "year", "years": "year", "hour": "hour",
    "hours": "hour", "minute": "minute", "minutes": "minute", "times": "times",
}  # fmt: skip
NUMBERED = {"level", "step", "stage", "phase", "version", "tier"}
BACKWARD_PREDICATES = {
    "need", "needed", "required", "necessary", "used", "matter", "matters", "important",
    "relevant", "useful", "true", "correct", "enough", "possible", "allowed", "wanted",
}  # fmt: skip
