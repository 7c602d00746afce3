"""Everything drawn with Rich: the session's panels and prompts, statistics, the class report
(``render``), and what the card commands show (``cards``)."""
