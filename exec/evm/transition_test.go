package evm

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/holiman/uint256"
)

const testPrice = 10 // gas price of the test messages (base fee is 7)

// transferMsg is a plain 1-wei transfer from addrCaller to addrOther.
func transferMsg() Message {
	m := Message{Type: types.DynamicFeeTxType, From: addrCaller, To: addrOther, GasLimit: 21000}
	m.Value.SetUint64(1)
	m.GasPrice.SetUint64(testPrice)
	m.GasFeeCap.SetUint64(testPrice)
	m.GasTipCap.SetUint64(3)
	return m
}

func fundedState() *memState {
	s := newMemState()
	s.put(addrCaller, 0, 1e18, nil, nil)
	return s
}

func TestApplyMessageConsensusErrors(t *testing.T) {
	bigBlob := make([]types.Hash, 7)
	for i := range bigBlob {
		bigBlob[i][0] = 1
	}
	cases := []struct {
		name  string
		fork  Fork
		state func(s *memState)
		msg   func(m *Message)
		want  error
	}{
		{"nonce-high", Cancun, nil, func(m *Message) { m.Nonce = 1 }, ErrNonceTooHigh},
		{"nonce-low", Cancun, func(s *memState) { s.accounts[addrCaller].nonce = 3 }, func(m *Message) { m.Nonce = 2 }, ErrNonceTooLow},
		{"nonce-max", Cancun, func(s *memState) { s.accounts[addrCaller].nonce = math.MaxUint64 }, func(m *Message) { m.Nonce = math.MaxUint64 }, ErrNonceMax},
		{"gas-cap-osaka", Osaka, nil, func(m *Message) { m.GasLimit = MaxTxGas + 1 }, ErrGasLimitTooHigh},
		{"not-eoa", Cancun, func(s *memState) { s.accounts[addrCaller].code = []byte{0x60} }, nil, ErrSenderNoEOA},
		{"tip-above-cap", Cancun, nil, func(m *Message) { m.GasTipCap.SetUint64(11) }, ErrTipAboveFeeCap},
		{"fee-cap-low", Cancun, nil, func(m *Message) { m.GasFeeCap.SetUint64(6); m.GasPrice.SetUint64(6); m.GasTipCap.SetUint64(0) }, ErrFeeCapTooLow},
		{"blob-shanghai", Shanghai, nil, func(m *Message) { m.Type = types.BlobTxType; m.BlobHashes = []types.Hash{{0: 1}} }, ErrTxTypeNotSupported},
		{"blob-create", Cancun, nil, func(m *Message) {
			m.Type = types.BlobTxType
			m.IsCreate = true
			m.BlobHashes = []types.Hash{{0: 1}}
		}, ErrBlobTxCreate},
		{"blob-none", Cancun, nil, func(m *Message) { m.Type = types.BlobTxType }, ErrMissingBlobHashes},
		{"blob-too-many-osaka", Osaka, nil, func(m *Message) {
			m.Type = types.BlobTxType
			m.BlobHashes = bigBlob
			m.BlobFeeCap.SetUint64(1)
		}, ErrTooManyBlobs},
		{"blob-version", Cancun, nil, func(m *Message) {
			m.Type = types.BlobTxType
			m.BlobHashes = []types.Hash{{0: 2}}
			m.BlobFeeCap.SetUint64(1)
		}, ErrBlobHashVersion},
		{"blob-fee-cap", Cancun, nil, func(m *Message) {
			m.Type = types.BlobTxType
			m.BlobHashes = []types.Hash{{0: 1}}
		}, ErrBlobFeeCapTooLow},
		{"setcode-cancun", Cancun, nil, func(m *Message) {
			m.Type = types.SetCodeTxType
			m.AuthList = []types.Authorization{{}}
		}, ErrTxTypeNotSupported},
		{"setcode-create", Prague, nil, func(m *Message) {
			m.Type = types.SetCodeTxType
			m.IsCreate = true
			m.AuthList = []types.Authorization{{}}
		}, ErrSetCodeTxCreate},
		{"setcode-empty", Prague, nil, func(m *Message) { m.Type = types.SetCodeTxType }, ErrEmptyAuthList},
		{"initcode-size", Cancun, nil, func(m *Message) {
			m.IsCreate = true
			m.Data = make([]byte, MaxInitCodeSize+1)
			m.GasLimit = 10_000_000
		}, ErrMaxInitCodeSizeExceeded},
		{"block-gas", Cancun, nil, func(m *Message) { m.GasLimit = 30_000_001 }, ErrGasLimitReached},
		{"funds", Cancun, func(s *memState) { s.accounts[addrCaller].balance.SetUint64(21000 * testPrice) }, nil, ErrInsufficientFunds},
		{"funds-blob", Cancun, func(s *memState) { s.accounts[addrCaller].balance.SetUint64(21000*testPrice + 1 + BlobGasPerBlob) }, func(m *Message) {
			m.Type = types.BlobTxType
			m.BlobHashes = []types.Hash{{0: 1}}
			m.BlobFeeCap.SetUint64(2) // the worst case counts the cap, not the base fee
		}, ErrInsufficientFunds},
		{"intrinsic", Cancun, nil, func(m *Message) { m.GasLimit = 20999 }, ErrIntrinsicGas},
		{"intrinsic-data", Cancun, nil, func(m *Message) { m.Data = []byte{1, 0}; m.GasLimit = 21019 }, ErrIntrinsicGas},
		{"floor", Prague, nil, func(m *Message) { m.Data = bytes.Repeat([]byte{1}, 100); m.GasLimit = 24999 }, ErrFloorDataGas},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			state := fundedState()
			if c.state != nil {
				c.state(state)
			}
			msg := transferMsg()
			if c.msg != nil {
				c.msg(&msg)
			}
			evm := newTestEVM(t, c.fork, state)
			gp := NewGasPool(30_000_000)
			before := state.GetBalance(addrCaller)
			_, err := ApplyMessage(evm, &msg, gp)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if len(state.journal) != 0 {
				t.Errorf("state changed: %d journal entries", len(state.journal))
			}
			if after := state.GetBalance(addrCaller); after != before {
				t.Errorf("balance changed")
			}
			if gp.Remaining() != 30_000_000 || gp.Used() != 0 {
				t.Errorf("gas pool changed: remaining %d used %d", gp.Remaining(), gp.Used())
			}
		})
	}
}

func TestApplyMessageValidEdges(t *testing.T) {
	// The same messages one step inside the limits are valid.
	cases := []struct {
		name string
		fork Fork
		msg  func(m *Message)
	}{
		{"gas-cap-prague", Prague, func(m *Message) { m.GasLimit = MaxTxGas + 1 }},
		{"gas-cap-osaka", Osaka, func(m *Message) { m.GasLimit = MaxTxGas }},
		{"floor-cancun", Cancun, func(m *Message) { m.Data = bytes.Repeat([]byte{1}, 100); m.GasLimit = 24999 }},
		{"floor-prague", Prague, func(m *Message) { m.Data = bytes.Repeat([]byte{1}, 100); m.GasLimit = 25000 }},
		{"blobs-6-osaka", Osaka, func(m *Message) {
			m.Type = types.BlobTxType
			m.BlobHashes = make([]types.Hash, 6)
			for i := range m.BlobHashes {
				m.BlobHashes[i][0] = 1
			}
			m.BlobFeeCap.SetUint64(1)
		}},
		{"delegated-sender", Prague, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			state := fundedState()
			if c.name == "delegated-sender" {
				state.accounts[addrCaller].code = AppendDelegation(nil, addrOther)
			}
			msg := transferMsg()
			if c.msg != nil {
				c.msg(&msg)
			}
			evm := newTestEVM(t, c.fork, state)
			if _, err := ApplyMessage(evm, &msg, NewGasPool(30_000_000)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestApplyMessageTransferAccounting(t *testing.T) {
	state := fundedState()
	evm := newTestEVM(t, Cancun, state)
	msg := transferMsg()
	msg.GasLimit = 50_000
	gp := NewGasPool(30_000_000)
	res, err := ApplyMessage(evm, &msg, gp)
	if err != nil || res.Err != nil {
		t.Fatal(err, res.Err)
	}
	if res.UsedGas != 21000 || gp.Used() != 21000 || gp.Remaining() != 30_000_000-21000 {
		t.Errorf("used %d, pool used %d remaining %d", res.UsedGas, gp.Used(), gp.Remaining())
	}
	if b := state.GetBalance(addrCaller); b.Uint64() != 1e18-21000*testPrice-1 {
		t.Errorf("sender balance %v", &b)
	}
	if b := state.GetBalance(addrOther); b.Uint64() != 1 {
		t.Errorf("recipient balance %v", &b)
	}
	if b := state.GetBalance(addrCoinbase); b.Uint64() != 21000*(testPrice-7) {
		t.Errorf("coinbase balance %v, want %d", &b, 21000*(testPrice-7))
	}
	if state.GetNonce(addrCaller) != 1 {
		t.Error("nonce not bumped")
	}
}

func TestApplyMessageBlobFee(t *testing.T) {
	state := fundedState()
	evm := newTestEVM(t, Cancun, state)
	evm.Block.BlobBaseFee.SetUint64(3)
	msg := transferMsg()
	msg.Type = types.BlobTxType
	msg.BlobHashes = []types.Hash{{0: 1}, {0: 1}}
	msg.BlobFeeCap.SetUint64(5)
	if _, err := ApplyMessage(evm, &msg, NewGasPool(30_000_000)); err != nil {
		t.Fatal(err)
	}
	want := uint64(1e18 - 21000*testPrice - 1 - 2*BlobGasPerBlob*3)
	if b := state.GetBalance(addrCaller); b.Uint64() != want {
		t.Errorf("sender balance %v, want %d", &b, want)
	}
}

func TestApplyMessageRefundCapAndFloor(t *testing.T) {
	// Clearing a slot refunds 4800, capped at a fifth of the gas used.
	code := asm(t, "PUSH0 PUSH0 SSTORE STOP")
	for _, fork := range []Fork{Cancun, Prague} {
		state := fundedState()
		state.put(addrOther, 0, 0, code, map[uint256.Int]uint256.Int{{}: u256(1)})
		evm := newTestEVM(t, fork, state)
		msg := transferMsg()
		msg.Value.Clear()
		msg.GasLimit = 100_000
		res, err := ApplyMessage(evm, &msg, NewGasPool(30_000_000))
		if err != nil || res.Err != nil {
			t.Fatal(err, res.Err)
		}
		used := uint64(21000 + 2 + 2 + 2100 + 2900)
		if res.MaxUsedGas != used || res.RefundedGas != 4800 || res.UsedGas != used-4800 {
			t.Errorf("%v: used %d max %d refund %d", fork, res.UsedGas, res.MaxUsedGas, res.RefundedGas)
		}
	}
	// A refund above a fifth of the gas used is capped: two slots cleared
	// give 9600, more than (21000+9+2*5000)/5.
	code2 := asm(t, "PUSH0 PUSH0 SSTORE PUSH0 PUSH1 1 SSTORE STOP")
	state := fundedState()
	state.put(addrOther, 0, 0, code2, map[uint256.Int]uint256.Int{{}: u256(1), u256(1): u256(1)})
	evm := newTestEVM(t, Cancun, state)
	msg := transferMsg()
	msg.Value.Clear()
	msg.GasLimit = 100_000
	res, _ := ApplyMessage(evm, &msg, NewGasPool(30_000_000))
	used := uint64(21000 + 2 + 2 + 2 + 3 + 2*(2100+2900))
	if res.MaxUsedGas != used || res.RefundedGas != used/5 {
		t.Errorf("capped refund: max %d refund %d, want %d and %d", res.MaxUsedGas, res.RefundedGas, used, used/5)
	}

	// The floor: lots of calldata, no execution.
	state = fundedState()
	evm = newTestEVM(t, Prague, state)
	msg = transferMsg()
	msg.Data = bytes.Repeat([]byte{0xff}, 1000)
	msg.GasLimit = 100_000
	res, err := ApplyMessage(evm, &msg, NewGasPool(30_000_000))
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(21000 + 4000*10); res.UsedGas != want || res.FloorDataGas != want {
		t.Errorf("floor: used %d floor %d, want %d", res.UsedGas, res.FloorDataGas, want)
	}
	if b := state.GetBalance(addrCaller); b.Uint64() != 1e18-61000*testPrice-1 {
		t.Errorf("sender paid for %d gas", (1e18-1-b.Uint64())/testPrice)
	}
}

func TestApplyMessageCreate(t *testing.T) {
	state := fundedState()
	state.accounts[addrCaller].nonce = 5
	evm := newTestEVM(t, Cancun, state)
	msg := transferMsg()
	msg.Nonce = 5
	msg.IsCreate = true
	msg.To = types.Address{}
	msg.Value.Clear()
	runtime := []byte{0x60, 0x01, 0x00}
	msg.Data = asm(t, "PUSH3 0x600100 PUSH0 MSTORE PUSH1 3 PUSH1 29 RETURN")
	msg.GasLimit = 100_000
	res, err := ApplyMessage(evm, &msg, NewGasPool(30_000_000))
	if err != nil || res.Err != nil {
		t.Fatal(err, res.Err)
	}
	addr := types.CreateAddress(addrCaller, 5)
	if res.ContractAddress != addr {
		t.Errorf("contract address %v, want %v", res.ContractAddress, addr)
	}
	if !bytes.Equal(state.GetCode(addr), runtime) || state.GetNonce(addr) != 1 || state.GetNonce(addrCaller) != 6 {
		t.Errorf("code %x nonce %d creator nonce %d", state.GetCode(addr), state.GetNonce(addr), state.GetNonce(addrCaller))
	}
	// 53000 + calldata (10 bytes: 8 non-zero, 2 zero... counted exactly
	// below) + 2 per initcode word + execution + 200 per code byte.
	intrinsic, _ := evm.rules.IntrinsicGas(&msg)
	exec := uint64(3+2+3+3+3+3) + 3*200
	if res.UsedGas != intrinsic+exec {
		t.Errorf("used %d, want %d", res.UsedGas, intrinsic+exec)
	}
}

// signAuth signs an EIP-7702 authorization with key.
func signAuth(t *testing.T, key *secp256k1.PrivateKey, chainID uint64, target types.Address, nonce uint64) types.Authorization {
	t.Helper()
	a := types.Authorization{Address: target, Nonce: nonce}
	a.ChainID.SetUint64(chainID)
	h := a.SigningHash()
	sig := ecdsa.SignCompact(key, h[:], false)
	a.V = sig[0] - 27
	a.R.SetBytes(sig[1:33])
	a.S.SetBytes(sig[33:65])
	return a
}

func keyAddress(key *secp256k1.PrivateKey) types.Address {
	pub := key.PubKey().SerializeUncompressed()
	h := types.Keccak256One(pub[1:])
	return types.Address(h[12:])
}

func TestAuthorizations(t *testing.T) {
	key := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{7}, 32))
	authority := keyAddress(key)
	target := types.Address{0xbb}
	designator := AppendDelegation(nil, target)

	cases := []struct {
		name      string
		prepare   func(s *memState)
		auth      func() types.Authorization
		wantErr   error
		wantCode  []byte
		wantNonce uint64
		refund    bool // the authority existed: 12500 refund
	}{
		{"new-authority", nil, func() types.Authorization { return signAuth(t, key, 1, target, 0) }, nil, designator, 1, false},
		{"chain-id-zero", nil, func() types.Authorization { return signAuth(t, key, 0, target, 0) }, nil, designator, 1, false},
		{"existing-authority", func(s *memState) { s.put(authority, 0, 5, nil, nil) },
			func() types.Authorization { return signAuth(t, key, 1, target, 0) }, nil, designator, 1, true},
		{"wrong-chain", nil, func() types.Authorization { return signAuth(t, key, 2, target, 0) }, ErrAuthWrongChainID, nil, 0, false},
		{"nonce-mismatch", nil, func() types.Authorization { return signAuth(t, key, 1, target, 1) }, ErrAuthNonceMismatch, nil, 0, false},
		{"nonce-overflow", nil, func() types.Authorization { return signAuth(t, key, 1, target, math.MaxUint64) }, ErrAuthNonceOverflow, nil, 0, false},
		{"has-code", func(s *memState) { s.put(authority, 0, 5, []byte{0x60}, nil) },
			func() types.Authorization { return signAuth(t, key, 1, target, 0) }, ErrAuthDestinationCode, []byte{0x60}, 0, false},
		{"bad-signature", nil, func() types.Authorization {
			a := signAuth(t, key, 1, target, 0)
			a.V = 2
			return a
		}, ErrAuthInvalidSig, nil, 0, false},
		{"redelegate", func(s *memState) { s.put(authority, 3, 5, AppendDelegation(nil, types.Address{0xcc}), nil) },
			func() types.Authorization { return signAuth(t, key, 1, target, 3) }, nil, designator, 4, true},
		{"clear", func(s *memState) { s.put(authority, 3, 5, AppendDelegation(nil, types.Address{0xcc}), nil) },
			func() types.Authorization { return signAuth(t, key, 1, types.Address{}, 3) }, nil, nil, 4, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			state := fundedState()
			if c.prepare != nil {
				c.prepare(state)
			}
			evm := newTestEVM(t, Prague, state)
			auth := c.auth()
			err := evm.applyAuthorization(&Message{}, &auth, nil)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("error %v, want %v", err, c.wantErr)
			}
			if got := state.GetCode(authority); !bytes.Equal(got, c.wantCode) {
				t.Errorf("code %x, want %x", got, c.wantCode)
			}
			if got := state.GetNonce(authority); got != c.wantNonce {
				t.Errorf("nonce %d, want %d", got, c.wantNonce)
			}
			if got, want := state.GetRefund(), map[bool]uint64{true: 12500}[c.refund]; got != want {
				t.Errorf("refund %d, want %d", got, want)
			}
			if c.wantErr != ErrAuthWrongChainID && c.wantErr != ErrAuthNonceOverflow && c.wantErr != ErrAuthInvalidSig &&
				!state.AddressInAccessList(authority) {
				t.Error("authority not warm")
			}
		})
	}
}

func TestSetCodeTransaction(t *testing.T) {
	// The sender delegates itself in its own transaction (the authorization
	// nonce is the sender's nonce after the transaction's own bump), then
	// the call to itself runs the target's code.
	key := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{9}, 32))
	sender := keyAddress(key)
	target := types.Address{0xbb}
	state := newMemState()
	state.put(sender, 0, 1e18, nil, nil)
	state.put(target, 0, 0, asm(t, "PUSH1 1 PUSH0 SSTORE STOP"), nil)
	evm := newTestEVM(t, Prague, state)
	msg := transferMsg()
	msg.Type = types.SetCodeTxType
	msg.From, msg.To = sender, sender
	msg.Value.Clear()
	msg.GasLimit = 200_000
	msg.AuthList = []types.Authorization{signAuth(t, key, 1, target, 1)}
	res, err := ApplyMessage(evm, &msg, NewGasPool(30_000_000))
	if err != nil || res.Err != nil {
		t.Fatal(err, res.Err)
	}
	if got := state.GetState(sender, uint256.Int{}); got.Uint64() != 1 {
		t.Error("delegated code did not run in the sender's context")
	}
	if state.GetNonce(sender) != 2 {
		t.Errorf("sender nonce %d, want 2", state.GetNonce(sender))
	}
	// 21000 + 25000 auth; target warmed after authorizations (no cold
	// charge for the delegation inside the top call); execution 3+2+22100.
	// The existing sender gives a 12500 refund, capped at a fifth.
	used := uint64(21000 + 25000 + 3 + 2 + 22100)
	refund := min(uint64(12500), used/5)
	if res.MaxUsedGas != used || res.UsedGas != used-refund {
		t.Errorf("used %d max %d, want %d %d", res.UsedGas, res.MaxUsedGas, used-refund, used)
	}
}

// preparingState is memState with a Prepare hook, as the production state
// has.
type preparingState struct {
	*memState
	calls []string
}

func (p *preparingState) Prepare(sender, coinbase types.Address, dst *types.Address, precompiles []types.Address, list types.AccessList) {
	p.calls = append(p.calls, fmt.Sprintf("%v %v %v %d %d", sender, coinbase, dst != nil, len(precompiles), len(list)))
	p.addrAL = map[types.Address]bool{sender: true, coinbase: true}
	if dst != nil {
		p.addrAL[*dst] = true
	}
	for _, a := range precompiles {
		p.addrAL[a] = true
	}
	for _, t := range list {
		p.addrAL[t.Address] = true
		for _, k := range t.StorageKeys {
			var slot uint256.Int
			slot.SetBytes32(k[:])
			if p.slotAL[t.Address] == nil {
				p.slotAL[t.Address] = map[uint256.Int]bool{}
			}
			p.slotAL[t.Address][slot] = true
		}
	}
}

func TestApplyMessagePreparer(t *testing.T) {
	// The same transaction with and without the hook costs the same, and
	// the hook sees the transaction's addresses.
	run := func(state StateDB, inner *memState) ExecutionResult {
		code := "PUSH1 9 BALANCE PUSH1 1 SLOAD ORIGIN BALANCE STOP" // precompile 0x09
		inner.put(addrOther, 0, 0, asm(t, code), nil)
		evm, _ := NewEVM(testBlock(), RulesFor(1, Osaka), Config{})
		evm.Reset(state)
		msg := transferMsg()
		msg.AccessList = types.AccessList{{Address: addrOther, StorageKeys: []types.Hash{{31: 1}}}}
		msg.GasLimit = 100_000
		res, err := ApplyMessage(evm, &msg, NewGasPool(30_000_000))
		if err != nil || res.Err != nil {
			t.Fatal(err, res.Err)
		}
		return res
	}
	plain := fundedState()
	want := run(plain, plain)
	prep := &preparingState{memState: fundedState()}
	got := run(prep, prep.memState)
	if got.UsedGas != want.UsedGas {
		t.Errorf("gas with Prepare %d, without %d", got.UsedGas, want.UsedGas)
	}
	if len(prep.calls) != 1 || prep.calls[0] != fmt.Sprintf("%v %v true 18 1", addrCaller, addrCoinbase) {
		t.Errorf("Prepare calls %q", prep.calls)
	}
	// 21000 + access list (2400 + 1900) + warm BALANCE, warm SLOAD, warm
	// BALANCE of the origin, pushes.
	if w := uint64(21000 + 2400 + 1900 + 3 + 100 + 3 + 100 + 2 + 100); want.UsedGas != w {
		t.Errorf("used %d, want %d", want.UsedGas, w)
	}
}
