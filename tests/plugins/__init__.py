"""pytest plugins with real servers on loopback (registered in tests/conftest.py's `pytest_plugins`)."""
