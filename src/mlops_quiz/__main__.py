"""Run the CLI with ``python -m mlops_quiz``."""

from mlops_quiz.cli import main

main()
