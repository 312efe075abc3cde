; A constant-product pool of two ERC-20 tokens (erc20.asm instances), in the
; manner of Uniswap V2 without liquidity shares: the benchmark's hot spot.
;
; Storage: token0 at slot 0, token1 at slot 1, reserve0 at slot 2, reserve1
; at slot 3; the reserves equal the pool's balances in the two tokens.
; swap(bool zeroForOne, uint256 amountIn), selector c037646a: with
; zeroForOne = 1 the caller pays amountIn of token0 and gets token1, with 0
; the reverse; the amount out is amountIn*997*rOut / (rIn*1000 +
; amountIn*997) (a 0.3% fee). The pool pulls the input with
; tokenIn.transferFrom(caller, pool, amountIn) (the caller must have approved
; the pool) and pays with tokenOut.transfer(caller, out), stores both
; reserves, emits Swap(address indexed caller, amountIn, out) with topic
; keccak256("Swap(address,bool,uint256,uint256)") and returns the amount
; out. It reverts with no data on any other selector, a direction other
; than 0 or 1, a zero amount in or out, or a failed token call.

        PUSH0 CALLDATALOAD PUSH1 224 SHR
        PUSH4 0xc037646a EQ PUSH @swap JUMPI
fail:   JUMPDEST PUSH0 PUSH0 REVERT

swap:   JUMPDEST
        PUSH1 4 CALLDATALOAD                    ; [z]  z = zeroForOne
        DUP1 PUSH1 1 LT PUSH @fail JUMPI        ; 1 < z
        PUSH1 1 XOR                             ; [d]  d = 1-z: 0 when token0 is paid in
        PUSH1 36 CALLDATALOAD                   ; [d amt]
        DUP1 ISZERO PUSH @fail JUMPI
        DUP2 PUSH1 2 ADD SLOAD                  ; [d amt rIn]     reserve of the token paid in
        DUP3 PUSH1 1 XOR PUSH1 2 ADD SLOAD      ; [d amt rIn rOut]
        DUP3 PUSH2 997 MUL                      ; [d amt rIn rOut a]  a = amt*997
        DUP1 DUP4 PUSH2 1000 MUL ADD            ; [d amt rIn rOut a den]
        SWAP1 DUP3 MUL DIV                      ; [d amt rIn rOut out]
        DUP1 ISZERO PUSH @fail JUMPI
        DUP4 DUP4 ADD                           ; [d amt rIn rOut out rIn+amt]
        DUP6 PUSH1 2 ADD SSTORE                 ; reserve in += amt
        DUP1 DUP3 SUB                           ; [d amt rIn rOut out rOut-out]
        DUP6 PUSH1 1 XOR PUSH1 2 ADD SSTORE     ; reserve out -= out

        ; tokenIn.transferFrom(caller, this, amt)
        PUSH4 0x23b872dd PUSH1 224 SHL PUSH0 MSTORE
        CALLER PUSH1 4 MSTORE
        ADDRESS PUSH1 36 MSTORE
        DUP4 PUSH1 68 MSTORE
        PUSH1 32 PUSH0 PUSH1 100 PUSH0 PUSH0 DUP10 SLOAD GAS CALL
        ISZERO PUSH @fail JUMPI

        ; tokenOut.transfer(caller, out)
        PUSH4 0xa9059cbb PUSH1 224 SHL PUSH0 MSTORE
        CALLER PUSH1 4 MSTORE
        DUP1 PUSH1 36 MSTORE
        PUSH1 32 PUSH0 PUSH1 68 PUSH0 PUSH0 DUP10 PUSH1 1 XOR SLOAD GAS CALL
        ISZERO PUSH @fail JUMPI

        ; Swap(caller, zeroForOne, amt, out): data amt, out
        DUP4 PUSH0 MSTORE
        DUP1 PUSH1 32 MSTORE
        CALLER
        PUSH32 0xbfd50a04f1e6e4aee344f5d0e7f15d74d0dbb58cd1f711daa6463094ca9508cd
        PUSH1 64 PUSH0 LOG2
        PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
