; A minimal ERC-721-style collection whose only write is minting: every mint
; appends to it, so totalSupply is a hot slot every mint reads and writes,
; and each mint writes one slot no one wrote before.
;
; Storage: totalSupply at slot 0; owners[id] at keccak256(id . 1);
; balances[a] at keccak256(a . 2).
; mint(), selector 1249c58b: id = totalSupply + 1, owners[id] = caller,
; balances[caller] += 1, emits Transfer(0, caller, id) (all three indexed,
; as ERC-721) and returns id. ownerOf(uint256) 6352211e, balanceOf(address)
; 70a08231 and totalSupply() 18160ddd read. Anything else reverts.

        PUSH0 CALLDATALOAD PUSH1 224 SHR
        DUP1 PUSH4 0x1249c58b EQ PUSH @mint JUMPI
        DUP1 PUSH4 0x6352211e EQ PUSH @ownerOf JUMPI
        DUP1 PUSH4 0x70a08231 EQ PUSH @balanceOf JUMPI
        DUP1 PUSH4 0x18160ddd EQ PUSH @totalSupply JUMPI
        PUSH0 PUSH0 REVERT

mint:   JUMPDEST POP
        PUSH0 SLOAD PUSH1 1 ADD                 ; [id]
        DUP1 PUSH0 SSTORE                       ; totalSupply = id
        CALLER DUP2 PUSH0 MSTORE PUSH1 1 PUSH1 32 MSTORE PUSH1 64 PUSH0 KECCAK256
        SSTORE                                  ; owners[id] = caller
        CALLER PUSH0 MSTORE PUSH1 2 PUSH1 32 MSTORE PUSH1 64 PUSH0 KECCAK256
        DUP1 SLOAD PUSH1 1 ADD SWAP1 SSTORE     ; balances[caller] += 1
        DUP1 CALLER PUSH0
        PUSH32 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef
        PUSH0 PUSH0 LOG4
        PUSH @returnWord JUMP

ownerOf: JUMPDEST POP
        PUSH1 4 CALLDATALOAD PUSH0 MSTORE PUSH1 1 PUSH1 32 MSTORE PUSH1 64 PUSH0 KECCAK256
        SLOAD PUSH @returnWord JUMP

balanceOf: JUMPDEST POP
        PUSH1 4 CALLDATALOAD PUSH0 MSTORE PUSH1 2 PUSH1 32 MSTORE PUSH1 64 PUSH0 KECCAK256
        SLOAD PUSH @returnWord JUMP

totalSupply: JUMPDEST POP
        PUSH0 SLOAD

returnWord: JUMPDEST PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
