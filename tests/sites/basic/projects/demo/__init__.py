"""A tiny module whose run proves the demo card's figures."""
