"""Messages to the ministries: composed from the wording files, written as .eml or sent."""
