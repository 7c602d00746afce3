"""mlops-quiz: master a body of theory with spaced repetition in the terminal."""

__version__ = "0.1.0"
