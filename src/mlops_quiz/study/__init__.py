"""Studying: the session (what to ask next, what an answer does), the interactive loop that
reads answers at a terminal or from a script (``loop``), cards as the learner sees them
(``cards``), and progress statistics (``stats``)."""
