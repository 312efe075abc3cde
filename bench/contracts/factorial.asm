; Factorial modulo 2^256 of n (the first calldata word), computed m times
; (the second calldata word) to make the run long.
        PUSH1 32 CALLDATALOAD                  ; [m]
outer:  JUMPDEST
        PUSH0 CALLDATALOAD PUSH1 1             ; [m i acc]
inner:  JUMPDEST
        DUP2 ISZERO PUSH @next JUMPI
        DUP2 MUL                               ; acc *= i
        SWAP1 PUSH1 1 SWAP1 SUB SWAP1          ; i -= 1
        PUSH @inner JUMP
next:   JUMPDEST PUSH0 MSTORE POP              ; [m]
        PUSH1 1 SWAP1 SUB
        DUP1 PUSH @outer JUMPI
        POP PUSH1 32 PUSH0 RETURN
