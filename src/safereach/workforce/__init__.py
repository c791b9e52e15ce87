"""Officers and their stations: skills (the sessions each delivers), base, working pattern,
leave; and the stations importer."""
