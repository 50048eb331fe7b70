"""Clients of the private integrators (özel entegratör) behind one interface (:mod:`.base`)."""
