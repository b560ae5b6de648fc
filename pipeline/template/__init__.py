"""The template contract, and the pre-filled templates issued to the ministries."""
