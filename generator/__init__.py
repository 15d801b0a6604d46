"""partnership-journal: YAML records of human-AI working sessions, published as an MkDocs site."""

__version__ = "0.1.0"
