"""Innovation proposals (Decree 73 Art. 7–8): drafting, submission and the collective's decision."""
