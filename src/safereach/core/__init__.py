"""What every app uses and nothing domain-specific: the background-task runner and the row a
long task shares with its page (`background`), the GOV.UK Frontend form helpers (`govuk`
template tags), the small-number rule for figures shared between agencies (`small_counts`),
the limit on public form submissions (`rate_limit`), and tasks that run every so often
(`periodic`: a ticker in each web process, or `safereach periodic`). Imports no other
SafeReach app."""
