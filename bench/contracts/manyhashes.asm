; Hash a 32-byte word n times (n the first calldata word), feeding each hash
; back in; returns the last hash.
        PUSH0 CALLDATALOAD                     ; [n]
loop:   JUMPDEST
        PUSH1 32 PUSH0 KECCAK256 PUSH0 MSTORE
        PUSH1 1 SWAP1 SUB
        DUP1 PUSH @loop JUMPI
        PUSH1 32 PUSH0 RETURN
