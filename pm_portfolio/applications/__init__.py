"""Applications: the job search the portfolio is for, with a share link per employer."""
