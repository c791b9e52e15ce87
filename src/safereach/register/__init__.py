"""The public register of fire-safety notices.

Fire and rescue authorities must keep a public register of the notices they serve under the
Regulatory Reform (Fire Safety) Order 2005: alterations (article 29), enforcement (article 30)
and prohibition or restriction (article 31). This app holds each notice as its protection
officers recorded it, with everything that happened to it since as events kept for ever
(`models`); works out the public entry, and when it appears, changes and goes, from those events
and the statutory rules alone (`rules`, pure); and serves the public register, its map and feeds,
and the pages where protection staff record notices and see what is due.
"""
