"""The ground floor: agencies, staff users and their roles, permissions, the audit log and
sign-in. Imports no domain app."""
