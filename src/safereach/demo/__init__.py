"""The fictional demo county, Marshwold: generated and written by `safereach demo`. It imports
every app; no app imports it."""
