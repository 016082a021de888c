"""Service ratings (好差评) of ended cases and the supervision office's follow-up (issue 11)."""
