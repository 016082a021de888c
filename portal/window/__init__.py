"""The window staff's console: pre-review, acceptance, supplements, declines."""
