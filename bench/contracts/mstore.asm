; n (the first calldata word) rounds of MSTORE and MLOAD across a 4 KiB
; region.
        PUSH0 CALLDATALOAD                     ; [n]
loop:   JUMPDEST
        DUP1 DUP1 PUSH2 0x0fe0 AND MSTORE      ; mem[n & 0xfe0] = n
        DUP1 PUSH2 0x0fe0 AND MLOAD POP
        PUSH1 1 SWAP1 SUB
        DUP1 PUSH @loop JUMPI
        STOP
