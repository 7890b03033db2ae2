"""RivalWatch: evidence-linked relations between militant groups, from open sources."""
