import AttuneKit
print("bench")
