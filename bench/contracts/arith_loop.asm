; A tight arithmetic loop: n (the first calldata word) rounds of a mix of
; MUL, ADD, AND, SHL, SHR, XOR, SUB and DIV on an accumulator; returns the
; accumulator.
        PUSH0 CALLDATALOAD          ; [n]
        PUSH1 1                     ; [n acc]
loop:   JUMPDEST
        PUSH1 3 MUL PUSH1 7 ADD
        PUSH8 0xffffffffffffffff AND
        PUSH1 5 SHL PUSH1 2 SHR
        PUSH4 0xdeadbeef XOR
        PUSH1 1 SWAP1 SUB           ; acc - 1
        PUSH1 3 SWAP1 DIV PUSH1 11 ADD
        SWAP1 PUSH1 1 SWAP1 SUB     ; [acc n-1]
        DUP1 ISZERO PUSH @done JUMPI
        SWAP1 PUSH @loop JUMP
done:   JUMPDEST POP PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
