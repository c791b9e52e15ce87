"""Partners' sessions on offer to schools, each delivering one matrix programme: the one-stop
catalogue and its Open Referral UK export."""
