; Hash and arithmetic rounds until the gas left falls to a reserve: calldata
; word 0 is the reserve, word 1 a seed. Each round hashes the 64-byte
; memory state (KECCAK256), folds the hash into an accumulator with MUL,
; ADD, XOR, MULMOD, SHR and EXP, and writes both back to memory; the loop
; runs while GAS is above the reserve, so a call uses nearly all the gas it
; is given whatever the opcode prices. No state is read or written. Returns
; the last hash and accumulator (64 bytes).

        PUSH0 CALLDATALOAD                       ; [reserve]
        PUSH1 32 CALLDATALOAD PUSH0 MSTORE       ; mem[0] = seed
        PUSH1 1                                  ; [reserve acc]
loop:   JUMPDEST
        PUSH1 64 PUSH0 KECCAK256                 ; [reserve acc h]
        DUP1 PUSH0 MSTORE                        ; mem[0] = h
        SWAP1 DUP2 MUL DUP2 ADD                  ; [reserve h acc*h+h]
        PUSH4 0x9e3779b9 XOR
        PUSH32 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff43
        DUP3 DUP3 MULMOD                         ; [reserve h acc (acc*h mod p)]
        PUSH1 7 SHR ADD                          ; [reserve h acc']
        DUP2 PUSH1 240 SHR PUSH1 3 EXP XOR       ; acc' ^ 3**(h>>240)
        DUP1 PUSH1 32 MSTORE                     ; mem[32] = acc
        SWAP1 POP                                ; [reserve acc]
        DUP2 GAS GT PUSH @loop JUMPI             ; gas left > reserve
        POP POP
        PUSH1 64 PUSH0 RETURN
