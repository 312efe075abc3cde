; Recursive Fibonacci: fib(n) = n < 2 ? n : fib(n-1) + fib(n-2), with
; subroutine calls made of JUMPs and return addresses on the stack; n is the
; first calldata word.
        PUSH @ret PUSH0 CALLDATALOAD PUSH @fib JUMP
ret:    JUMPDEST PUSH0 MSTORE PUSH1 32 PUSH0 RETURN

; fib: [retaddr n] -> [fib(n)], returning to retaddr
fib:    JUMPDEST
        DUP1 PUSH1 2 GT PUSH @base JUMPI      ; 2 > n
        PUSH @r1 DUP2 PUSH1 1 SWAP1 SUB PUSH @fib JUMP   ; [ra n r1 n-1]
r1:     JUMPDEST                               ; [ra n f1]
        SWAP1 PUSH @r2 SWAP1 PUSH1 2 SWAP1 SUB PUSH @fib JUMP ; [ra f1 r2 n-2]
r2:     JUMPDEST                               ; [ra f1 f2]
        ADD SWAP1 JUMP                         ; [f1+f2] -> ra
base:   JUMPDEST SWAP1 JUMP                    ; [n] -> ra
