"""Physics kernels: demagnetizing factors, the LLGS right-hand side, batched integrators."""
