"""The example app's WSGI entry point (the content does not matter to shiplint)."""
