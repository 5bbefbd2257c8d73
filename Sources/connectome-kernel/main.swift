print("connectome-kernel: not built yet")
