"""Case work: intake, counselling sessions, distress assessments, referrals, readiness, outcomes for donors."""
