"""Electronic supervision (电子监察): yellow and red cards on every deadline the portal knows."""
