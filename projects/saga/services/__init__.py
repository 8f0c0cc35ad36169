"""The four services. Each owns a Store and reacts to events on its own queue; none calls another."""
