; Write n (the first calldata word) storage slots, slot i getting i+1, then
; read them back.
        PUSH0 CALLDATALOAD                     ; [n]
loop:   JUMPDEST
        DUP1 PUSH1 1 ADD DUP2 SSTORE           ; sstore(n, n+1)
        DUP1 SLOAD POP
        PUSH1 1 SWAP1 SUB
        DUP1 PUSH @loop JUMPI
        STOP
