; Bubble sort of n words (the first calldata word) in memory, filled with a
; linear congruential sequence; returns the smallest and largest word.
        PUSH0 CALLDATALOAD PUSH1 5 SHL         ; [len] = 32n
        PUSH2 12345                            ; [len x]
        PUSH0                                  ; [len x i]
fill:   JUMPDEST
        DUP3 DUP2 LT ISZERO PUSH @sort JUMPI   ; i >= len
        SWAP1 PUSH8 0x5851f42d4c957f2d MUL PUSH1 11 ADD SWAP1   ; x = x*a + c
        DUP2 DUP2 MSTORE                       ; mem[i] = x
        PUSH1 32 ADD PUSH @fill JUMP
sort:   JUMPDEST POP POP                       ; [len]
        DUP1                                   ; [len end]   end: unsorted region end
outer:  JUMPDEST
        PUSH1 32 DUP2 GT ISZERO PUSH @done JUMPI ; end <= 32
        PUSH0                                  ; [len end j]
inner:  JUMPDEST
        DUP2 DUP2 PUSH1 32 ADD LT ISZERO PUSH @innerDone JUMPI ; j+32 >= end
        DUP1 MLOAD DUP2 PUSH1 32 ADD MLOAD     ; [len end j a b]
        DUP2 DUP2 LT PUSH @swap JUMPI          ; b < a
        POP POP PUSH @step JUMP
swap:   JUMPDEST                               ; [len end j a b]
        DUP3 MSTORE                            ; mem[j] = b
        DUP2 PUSH1 32 ADD MSTORE               ; mem[j+32] = a
step:   JUMPDEST PUSH1 32 ADD PUSH @inner JUMP
innerDone: JUMPDEST POP PUSH1 32 SWAP1 SUB PUSH @outer JUMP
done:   JUMPDEST POP                           ; [len]
        PUSH1 32 SWAP1 SUB MLOAD PUSH1 32 MSTORE ; mem[32] = max
        PUSH1 64 PUSH0 RETURN                  ; mem[0] = min
