; A minimal ERC-20 token, hand-written in the assembly of evm.Assemble.
;
; Storage: balances[a] at keccak256(a . 0); allowances[o][s] at
; keccak256(s . keccak256(o . 1)); totalSupply at slot 2 (Solidity's layout
; for `mapping balances; mapping allowances; uint totalSupply`).
; Functions (selector): transfer(address,uint256) a9059cbb,
; approve(address,uint256) 095ea7b3, mint(address,uint256) 40c10f19 (open to
; anyone: a benchmark token), balanceOf(address) 70a08231,
; transferFrom(address,address,uint256) 23b872dd, totalSupply() 18160ddd,
; allowance(address,address) dd62ed3e. Transfers emit
; Transfer(address,address,uint256), approvals Approval(address,address,uint256).
; Failures revert with no data. Addresses are taken from calldata unmasked.

        PUSH0 CALLDATALOAD PUSH1 224 SHR
        DUP1 PUSH4 0xa9059cbb EQ PUSH @transfer JUMPI
        DUP1 PUSH4 0x095ea7b3 EQ PUSH @approve JUMPI
        DUP1 PUSH4 0x40c10f19 EQ PUSH @mint JUMPI
        DUP1 PUSH4 0x70a08231 EQ PUSH @balanceOf JUMPI
        DUP1 PUSH4 0x23b872dd EQ PUSH @transferFrom JUMPI
        DUP1 PUSH4 0x18160ddd EQ PUSH @totalSupply JUMPI
        DUP1 PUSH4 0xdd62ed3e EQ PUSH @allowance JUMPI
fail:   JUMPDEST PUSH0 PUSH0 REVERT

; transfer(to, amount)
transfer: JUMPDEST POP
        CALLER PUSH0 MSTORE PUSH0 PUSH1 32 MSTORE PUSH1 64 PUSH0 KECCAK256  ; [fromSlot]
        DUP1 SLOAD PUSH1 36 CALLDATALOAD                                   ; [fromSlot bal amount]
        DUP1 DUP3 LT PUSH @fail JUMPI                                      ; bal < amount
        SWAP1 SUB SWAP1 SSTORE                                             ; balances[from] = bal - amount
        PUSH1 4 CALLDATALOAD PUSH0 MSTORE PUSH1 64 PUSH0 KECCAK256         ; [toSlot]
        DUP1 SLOAD PUSH1 36 CALLDATALOAD ADD SWAP1 SSTORE                  ; balances[to] += amount
        PUSH1 36 CALLDATALOAD PUSH0 MSTORE
        PUSH1 4 CALLDATALOAD CALLER
        PUSH32 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef
        PUSH1 32 PUSH0 LOG3
        PUSH @returnTrue JUMP

; approve(spender, amount)
approve: JUMPDEST POP
        CALLER PUSH0 MSTORE PUSH1 1 PUSH1 32 MSTORE PUSH1 64 PUSH0 KECCAK256  ; [inner]
        PUSH1 32 MSTORE PUSH1 4 CALLDATALOAD PUSH0 MSTORE PUSH1 64 PUSH0 KECCAK256 ; [slot]
        PUSH1 36 CALLDATALOAD SWAP1 SSTORE
        PUSH1 36 CALLDATALOAD PUSH0 MSTORE
        PUSH1 4 CALLDATALOAD CALLER
        PUSH32 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925
        PUSH1 32 PUSH0 LOG3
        PUSH @returnTrue JUMP

; mint(to, amount)
mint:   JUMPDEST POP
        PUSH1 4 CALLDATALOAD PUSH0 MSTORE PUSH0 PUSH1 32 MSTORE PUSH1 64 PUSH0 KECCAK256 ; [toSlot]
        DUP1 SLOAD PUSH1 36 CALLDATALOAD ADD SWAP1 SSTORE
        PUSH1 2 SLOAD PUSH1 36 CALLDATALOAD ADD PUSH1 2 SSTORE
        PUSH1 36 CALLDATALOAD PUSH0 MSTORE
        PUSH1 4 CALLDATALOAD PUSH0
        PUSH32 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef
        PUSH1 32 PUSH0 LOG3
        PUSH @returnTrue JUMP

; balanceOf(owner)
balanceOf: JUMPDEST POP
        PUSH1 4 CALLDATALOAD PUSH0 MSTORE PUSH0 PUSH1 32 MSTORE PUSH1 64 PUSH0 KECCAK256
        SLOAD PUSH @returnWord JUMP

; transferFrom(from, to, amount)
transferFrom: JUMPDEST POP
        PUSH1 4 CALLDATALOAD PUSH0 MSTORE PUSH1 1 PUSH1 32 MSTORE PUSH1 64 PUSH0 KECCAK256
        PUSH1 32 MSTORE CALLER PUSH0 MSTORE PUSH1 64 PUSH0 KECCAK256       ; [allowSlot]
        DUP1 SLOAD PUSH1 68 CALLDATALOAD                                   ; [allowSlot allowed amount]
        DUP1 DUP3 LT PUSH @fail JUMPI
        SWAP1 SUB SWAP1 SSTORE                                             ; allowance -= amount
        PUSH1 4 CALLDATALOAD PUSH0 MSTORE PUSH0 PUSH1 32 MSTORE PUSH1 64 PUSH0 KECCAK256 ; [fromSlot]
        DUP1 SLOAD PUSH1 68 CALLDATALOAD
        DUP1 DUP3 LT PUSH @fail JUMPI
        SWAP1 SUB SWAP1 SSTORE
        PUSH1 36 CALLDATALOAD PUSH0 MSTORE PUSH1 64 PUSH0 KECCAK256        ; [toSlot]
        DUP1 SLOAD PUSH1 68 CALLDATALOAD ADD SWAP1 SSTORE
        PUSH1 68 CALLDATALOAD PUSH0 MSTORE
        PUSH1 36 CALLDATALOAD PUSH1 4 CALLDATALOAD
        PUSH32 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef
        PUSH1 32 PUSH0 LOG3
        PUSH @returnTrue JUMP

; totalSupply()
totalSupply: JUMPDEST POP
        PUSH1 2 SLOAD PUSH @returnWord JUMP

; allowance(owner, spender)
allowance: JUMPDEST POP
        PUSH1 4 CALLDATALOAD PUSH0 MSTORE PUSH1 1 PUSH1 32 MSTORE PUSH1 64 PUSH0 KECCAK256
        PUSH1 32 MSTORE PUSH1 36 CALLDATALOAD PUSH0 MSTORE PUSH1 64 PUSH0 KECCAK256
        SLOAD PUSH @returnWord JUMP

returnTrue: JUMPDEST PUSH1 1
returnWord: JUMPDEST PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
