"""What papershelf promises under kills, signals, damage, hostile input and other processes."""
