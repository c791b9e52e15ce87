"""The vulnerability matrix: programmes and their targeting profiles, indicators, scores with
their reasons, target lists per programme, and back-tests against what happened next."""
