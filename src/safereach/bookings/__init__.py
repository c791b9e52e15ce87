"""Schools' requests and the visits they become: holds, confirmations, manage links, calendar
files, invitations, term dates, the coordinators' queue, and the one reader of officers'
diaries that slot offers, the planner and the week page share."""
