"""Build tooling for the desktop app's installers (not shipped inside the app)."""
