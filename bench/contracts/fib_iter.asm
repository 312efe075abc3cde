; Iterative Fibonacci modulo 2^256: fib(n) for n the first calldata word.
        PUSH0 CALLDATALOAD          ; [n]
        PUSH0 PUSH1 1               ; [n a b]   a = fib(i), b = fib(i+1)
loop:   JUMPDEST
        DUP3 ISZERO PUSH @done JUMPI
        DUP2 DUP2 ADD               ; [n a b a+b]
        SWAP2 POP                   ; [n a+b b] -> want [n b a+b]
        SWAP1                       ; [n b a+b]
        SWAP2 PUSH1 1 SWAP1 SUB SWAP2 ; n -= 1
        PUSH @loop JUMP
done:   JUMPDEST POP PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
