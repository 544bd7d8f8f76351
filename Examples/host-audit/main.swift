print("host-audit")
