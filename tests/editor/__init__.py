"""What editors use: policydocs check, and the command line."""
