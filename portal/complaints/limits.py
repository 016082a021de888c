"""How long a complaint's free texts may be, for the pages and the API alike.

The pages keep the draft in the signed session cookie until it is filed, so the texts are
bounded to keep a whole draft (with five attachments) well under the cookie's 4 KB; the API
and the hotline answer the same limits so a complaint reads the same whichever door it took.
"""

MAX_WHAT_HAPPENED = 500
MAX_WHAT_THEY_WANT = 200
MAX_FEE_NAME = 100
MAX_REASON = 500  # why a reply should be looked at again
