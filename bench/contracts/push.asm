; n (the first calldata word) rounds of pushes of every width, dups and pops.
        PUSH0 CALLDATALOAD                     ; [n]
loop:   JUMPDEST
        PUSH1 1 PUSH2 2 PUSH4 3 PUSH8 4 PUSH16 5 PUSH20 6 PUSH32 7
        DUP7 DUP7 DUP7 PUSH0 PUSH0
        POP POP POP POP POP POP POP POP POP POP POP POP
        PUSH1 1 SWAP1 SUB
        DUP1 PUSH @loop JUMPI
        STOP
