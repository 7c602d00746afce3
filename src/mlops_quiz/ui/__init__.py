"""Everything drawn with Rich: the session's panels and prompts, statistics, the class report
(``render``), and what the card commands show (``cards``); ``pager`` sends long text
through the learner's pager, or prints it when that pager is not there."""
