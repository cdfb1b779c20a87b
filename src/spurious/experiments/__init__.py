"""Published experiments reproduced as documented protocols (SS18: :mod:`.safran_shamir`)."""
