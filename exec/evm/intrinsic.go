package evm

import (
	"bytes"

	"github.com/balexec/balexec/types"
)

// intrinsicRest adds to base the costs of the authorizations, the calldata
// and the access list.
func intrinsicRest(gas uint64, data []byte, accessList types.AccessList, authCount int, perAuth uint64,
	isCreate bool, perAddress, perSlot uint64) (uint64, error) {
	var overflow bool
	if gas, overflow = addMul(gas, uint64(authCount), perAuth); overflow {
		return 0, ErrIntrinsicGasOverflow
	}
	if n := uint64(len(data)); n > 0 {
		z := uint64(bytes.Count(data, zeroByte[:]))
		if gas, overflow = addMul(gas, n-z, TxDataNonZeroGas); overflow {
			return 0, ErrIntrinsicGasOverflow
		}
		if gas, overflow = addMul(gas, z, TxDataZeroGas); overflow {
			return 0, ErrIntrinsicGasOverflow
		}
		if isCreate {
			if gas, overflow = addMul(gas, toWords(n), gasInitCodeWord); overflow {
				return 0, ErrIntrinsicGasOverflow
			}
		}
	}
	if gas, overflow = addMul(gas, uint64(len(accessList)), perAddress); overflow {
		return 0, ErrIntrinsicGasOverflow
	}
	if gas, overflow = addMul(gas, uint64(accessList.StorageKeys()), perSlot); overflow {
		return 0, ErrIntrinsicGasOverflow
	}
	return gas, nil
}

var zeroByte = [1]byte{0}

// addMul returns a + b*c and whether it overflows.
func addMul(a, b, c uint64) (uint64, bool) {
	p, overflow := mul64(b, c)
	if overflow {
		return 0, true
	}
	return add64(a, p)
}

// Access-list data of EIP-7981: each address and storage key is charged as
// non-zero calldata at the EIP-7976 floor price, in the intrinsic gas
// (gas per entry) and the floor (tokens per entry).
const (
	accessListAddressTokens = 20 * TxTokensPerNonZero // 80
	accessListSlotTokens    = 32 * TxTokensPerNonZero // 128
	accessListAddressData   = accessListAddressTokens * TxCostFloorPerToken7976
	accessListSlotData      = accessListSlotTokens * TxCostFloorPerToken7976
)

// intrinsicBase2780 returns the EIP-2780 base cost of msg: TX_BASE_COST for
// the sender, plus COLD_ACCOUNT_ACCESS for a recipient other than the sender
// (always charged cold here, whatever the access list says) or CREATE_ACCESS
// for a creation, plus TX_VALUE_COST for value sent to another account.
func intrinsicBase2780(msg *Message) uint64 {
	gas := uint64(TxBaseGas2780)
	self := !msg.IsCreate && msg.To == msg.From
	switch {
	case self:
	case msg.IsCreate:
		gas += gasCreateAccess8038
	default:
		gas += gasColdAccount8038
	}
	if !msg.Value.IsZero() && !self && !msg.IsCreate {
		gas += TxValueGas2780
	}
	return gas
}

// IntrinsicGas returns the gas msg pays before execution under r, in the
// execution dimension: all of it except under the tests-bal@v5.7.0 EIP-8037,
// which adds state gas (IntrinsicStateGas). Before Amsterdam: the base cost
// (21000, 53000 for a creation), the calldata (4 per zero byte, 16 per other
// byte), for creations 2 per initcode word (EIP-3860), the access list (2400
// per address, 1900 per key) and 25000 per EIP-7702 authorization. EIP-2780
// replaces the base cost (see intrinsicBase2780) and prices an authorization
// at 7816 (its state-dependent costs are charged when it is applied); the
// tests-bal@v5.7.0 EIP-8037 prices a creation at 9000 over the base and an
// authorization at 7500; EIP-8038 prices an access-list address at 2900 and
// a key at 2000; EIP-7981 adds their data (1280 per address, 2048 per key).
func (r *Rules) IntrinsicGas(msg *Message) (uint64, error) {
	sched := r.schedule()
	gas, perAuth := uint64(TxGas), sched.txAuth
	switch {
	case r.EIP2780:
		gas, perAuth = intrinsicBase2780(msg), TxAuthBaseGas2780
	case msg.IsCreate:
		gas += sched.txCreate
	}
	perAddress, perSlot := sched.txAccessListAddress, sched.txAccessListSlot
	if r.EIP7981 {
		perAddress += accessListAddressData
		perSlot += accessListSlotData
	}
	return intrinsicRest(gas, msg.Data, msg.AccessList, len(msg.AuthList), perAuth, msg.IsCreate, perAddress, perSlot)
}

// IntrinsicStateGas returns the state gas msg pays before execution under r
// in a block with the given gas limit (which prices a state byte, see
// StateBytePrice): under the tests-bal@v5.7.0 EIP-8037 a new account for a
// creation, and a new account and a delegation indicator for each
// authorization; zero otherwise (go-ethereum charges state gas at run
// time).
func (r *Rules) IntrinsicStateGas(msg *Message, blockGasLimit uint64) (uint64, error) {
	c := costsFor(r, blockGasLimit)
	return intrinsicState(r, &c, msg)
}

// intrinsicStateGas is IntrinsicStateGas at the EVM's block.
func (evm *EVM) intrinsicStateGas(msg *Message) (uint64, error) {
	return intrinsicState(&evm.rules, &evm.costs, msg)
}

func intrinsicState(r *Rules, c *gasCosts, msg *Message) (uint64, error) {
	if !r.stateGasBalV570() {
		return 0, nil
	}
	var gas uint64
	if msg.IsCreate {
		gas = c.newAccount
	}
	gas, overflow := addMul(gas, uint64(len(msg.AuthList)), c.newAccount+c.delegation)
	if overflow {
		return 0, ErrIntrinsicGasOverflow
	}
	return gas, nil
}

// FloorDataGas returns the calldata floor of msg under r (EIP-7623, from
// Prague): a base plus a price per token. Before Amsterdam the base is 21000
// and a zero byte is one token, any other byte four, at 10 gas. EIP-7976
// counts every byte as four tokens at 16 gas; EIP-7981 adds 80 tokens per
// access-list address and 128 per key; EIP-2780 makes the base the
// transaction's own base cost.
func (r *Rules) FloorDataGas(msg *Message) (uint64, error) {
	base := uint64(TxGas)
	if r.EIP2780 {
		base = intrinsicBase2780(msg)
	}
	var (
		tokens, perToken uint64
		overflow         bool
		n                = uint64(len(msg.Data))
	)
	if r.EIP7976 {
		if tokens, overflow = mul64(n, TxTokensPerNonZero); overflow {
			return 0, ErrIntrinsicGasOverflow
		}
		perToken = TxCostFloorPerToken7976
	} else {
		z := uint64(bytes.Count(msg.Data, zeroByte[:]))
		if tokens, overflow = addMul(z, n-z, TxTokensPerNonZero); overflow {
			return 0, ErrIntrinsicGasOverflow
		}
		perToken = TxCostFloorPerToken
	}
	if r.EIP7981 {
		if tokens, overflow = addMul(tokens, uint64(len(msg.AccessList)), accessListAddressTokens); overflow {
			return 0, ErrIntrinsicGasOverflow
		}
		if tokens, overflow = addMul(tokens, uint64(msg.AccessList.StorageKeys()), accessListSlotTokens); overflow {
			return 0, ErrIntrinsicGasOverflow
		}
	}
	gas, overflow := addMul(base, tokens, perToken)
	if overflow {
		return 0, ErrIntrinsicGasOverflow
	}
	return gas, nil
}
