"""Lookalike discovery (issue 23): accounts on the platforms that imitate the city's, found, scored and
judged; residents' reports of fakes. What the city confirms goes on the public warning list (P-7-2)."""
