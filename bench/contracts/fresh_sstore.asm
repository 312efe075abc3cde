; Write n fresh storage slots: calldata word 0 is a base key, word 1 is n;
; slots base .. base+n-1 (modulo 2^256) each get their own key as value.
; The caller picks bases no earlier call used, so every write creates a
; slot (EIP-8037 state gas) and none is ever cleared. Stops with no output.

        PUSH0 CALLDATALOAD PUSH1 32 CALLDATALOAD ; [base n]
        DUP1 ISZERO PUSH @done JUMPI
loop:   JUMPDEST                                 ; [base n], n > 0
        PUSH1 1 SWAP1 SUB                        ; [base n-1]
        DUP2 DUP2 ADD                            ; [base n-1 key]
        DUP1 SSTORE                              ; sstore(key, key)
        DUP1 PUSH @loop JUMPI
done:   JUMPDEST STOP
