"""Plain helper modules shared by the apps (not an app itself)."""
