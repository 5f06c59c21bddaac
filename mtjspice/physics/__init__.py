"""The macrospin physics in numpy: demagnetizing factors (tapered pillars too), the LLGS right-hand
side and its fields, the rest state, drives, Joule heating, and the batched deterministic and thermal
(stochastic Heun) integrators with their cost guards. Depends only on the parameters below it."""
