"""The plan register and the contacts of its reporting ministries."""
