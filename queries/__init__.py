"""zhaoshang queries: referral paths, cluster target lists, explanations."""
