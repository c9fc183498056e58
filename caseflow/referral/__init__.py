"""移送: starting referrals from any case, the special team's report, the evidence package, incoming referrals."""
