package gethpeer

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// The scenarios of the transaction generator: what each kind of
// transaction sends, and to whom.

// value returns a random amount: often zero, up to one ether.
func (g *generator) value() *uint256.Int {
	switch g.rng.IntN(6) {
	case 0, 1:
		return new(uint256.Int)
	case 2:
		return uint256.NewInt(1)
	case 3:
		return uint256.NewInt(1_000_000_000)
	case 4:
		return uint256.NewInt(uint64(g.rng.Int64N(1_000_000_000_000_000)))
	}
	return uint256.NewInt(1_000_000_000_000_000_000)
}

func (g *generator) plainTransfer(sender common.Address) txSpec {
	to := g.senders[g.rng.IntN(len(g.senders))]
	return txSpec{to: &to, value: uint256.NewInt(1), env: envAny, kinds: []Kind{KindTransfer}}
}

func (g *generator) transferExisting(_ *core.BlockGen, sender common.Address) (txSpec, bool) {
	to := g.anyAddress()
	spec := txSpec{to: &to, value: g.value(), env: envAny, kinds: []Kind{KindTransfer}}
	if _, ok := g.delegated[to]; ok {
		spec.kinds = append(spec.kinds, KindDelegatedCall)
	}
	return spec, true
}

func (g *generator) transferNew(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	to := g.addr("fresh", len(g.fresh))
	g.fresh = append(g.fresh, to)
	g.see(to)
	v := g.value()
	if v.IsZero() {
		v.SetUint64(1)
	}
	return txSpec{to: &to, value: v, env: envAny, kinds: []Kind{KindTransferNewAccount}}, true
}

func (g *generator) transferZeroNew(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	to := g.addr("untouched", int(g.rng.Int32()))
	g.see(to)
	return txSpec{to: &to, env: envAny, kinds: []Kind{KindTransferZeroNew}}, true
}

// touchEmpty sends nothing to an empty genesis account: EIP-161 deletes it.
func (g *generator) touchEmpty(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	if len(g.empties) == 0 {
		return txSpec{}, false
	}
	to := g.empties[g.rng.IntN(len(g.empties))]
	if g.parentState.Exist(to) && g.parentState.Empty(to) {
		return txSpec{to: &to, env: envAny, kinds: []Kind{KindTouchEmpty}}, true
	}
	return txSpec{to: &to, env: envAny, kinds: []Kind{KindTransfer}}, true
}

func (g *generator) transferSelf(_ *core.BlockGen, sender common.Address) (txSpec, bool) {
	to := sender
	return txSpec{to: &to, value: g.value(), env: envAny, kinds: []Kind{KindTransferSelf}}, true
}

// precompiles returns the precompile addresses of the fork.
func (g *generator) precompiles() []common.Address {
	var out []common.Address
	for i := 1; i <= 0x0a; i++ {
		out = append(out, common.BytesToAddress([]byte{byte(i)}))
	}
	if g.p.Fork >= Prague {
		for i := 0x0b; i <= 0x11; i++ {
			out = append(out, common.BytesToAddress([]byte{byte(i)}))
		}
	}
	if g.p.Fork >= Osaka {
		out = append(out, common.BytesToAddress([]byte{1, 0}))
	}
	return out
}

func (g *generator) transferPrecompile(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	pcs := g.precompiles()
	to := pcs[g.rng.IntN(len(pcs))]
	g.see(to)
	data := make([]byte, 32*g.rng.IntN(5))
	g.fill(data)
	return txSpec{to: &to, value: g.value(), data: data, env: envAny, kinds: []Kind{KindTransferPrecompile}}, true
}

func (g *generator) callUniversal(b *core.BlockGen, sender common.Address) (txSpec, bool) {
	to := g.universal[g.rng.IntN(len(g.universal))]
	data, kinds := g.commands(b, to, sender, true)
	return txSpec{to: &to, value: g.value(), data: data, env: envAny, kinds: kinds}, true
}

func (g *generator) callKV(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	to := g.kvStore
	slot := uint64(g.rng.IntN(numSlots))
	var data [64]byte
	key := slotKey(slot)
	copy(data[:32], key[:])
	v := uint64(g.rng.IntN(3))
	uint256.NewInt(v).WriteToArray32((*[32]byte)(data[32:]))
	kinds := []Kind{g.storageKind(to, slot, v)}
	return txSpec{to: &to, data: data[:], env: envAny, kinds: kinds}, true
}

// storageKind names a plain write of v to slot of addr by the parent state.
func (g *generator) storageKind(addr common.Address, slot, v uint64) Kind {
	cur := g.parentState.GetState(addr, slotKey(slot)).Big()
	switch {
	case cur.Sign() == 0 && v != 0:
		return KindStorageNew
	case cur.Sign() != 0 && v == 0:
		return KindStorageZero
	case cur.IsUint64() && cur.Uint64() == v:
		return KindStorageNoop
	}
	return KindStorageChange
}

func (g *generator) callSelfdestruct(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	to := g.sdContract
	return txSpec{to: &to, value: g.value(), env: envAny, kinds: []Kind{KindSelfdestructExisting}}, true
}

func (g *generator) callReverter(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	to := g.reverter
	return txSpec{to: &to, value: g.value(), env: envAny, kinds: []Kind{KindRevert}}, true
}

func (g *generator) deployUniversal(b *core.BlockGen, sender common.Address) (txSpec, bool) {
	addr := crypto.CreateAddress(sender, b.TxNonce(sender))
	g.universal = append(g.universal, addr)
	g.see(addr)
	return txSpec{value: g.value(), data: deployCode(universalCode()), env: envAny, kinds: []Kind{KindDeploy}}, true
}

func (g *generator) deployTemplate(b *core.BlockGen, sender common.Address) (txSpec, bool) {
	t := g.rng.IntN(numTemplates)
	g.see(crypto.CreateAddress(sender, b.TxNonce(sender)))
	kind := KindDeploy
	switch t {
	case tmplRevertInit, tmplEFCode, tmplOOGInit:
		kind = KindDeployFail
	case tmplSelfdestructInit, tmplBurnInit:
		kind = KindSelfdestructSameTx
	}
	return txSpec{value: g.value(), data: templates()[t], env: envAny, kinds: []Kind{kind}}, true
}

// deployTight deploys the universal contract with too little gas to pay for
// its code (or its constructor).
func (g *generator) deployTight(b *core.BlockGen, sender common.Address) (txSpec, bool) {
	g.see(crypto.CreateAddress(sender, b.TxNonce(sender)))
	return txSpec{data: deployCode(universalCode()), tight: true, env: envAny, kinds: []Kind{KindDeployFail, KindIntrinsicTight}}, true
}

func (g *generator) burn(b *core.BlockGen, sender common.Address) (txSpec, bool) {
	to := g.universal[g.rng.IntN(len(g.universal))]
	data, kinds := g.commands(b, to, sender, false)
	data = append(data, command(opBurn, 0, nil, nil)...)
	gas := uint64(100_000 + g.rng.IntN(400_000))
	if g.p.Fork >= Amsterdam {
		gas += 1_000_000
	}
	return txSpec{to: &to, data: data, gas: gas, env: envAny, kinds: append(kinds, KindOutOfGas)}, true
}

func (g *generator) tightCall(b *core.BlockGen, sender common.Address) (txSpec, bool) {
	to := g.universal[g.rng.IntN(len(g.universal))]
	data, kinds := g.commands(b, to, sender, false)
	return txSpec{to: &to, data: data, tight: true, env: envAny, kinds: append(kinds, KindIntrinsicTight)}, true
}

func (g *generator) blobFocus(b *core.BlockGen, sender common.Address) (txSpec, bool) {
	if g.blobsLeft == 0 {
		return txSpec{}, false
	}
	to := g.anyAddress()
	spec := txSpec{to: &to, value: g.value(), env: envBlob}
	if g.rng.IntN(2) == 0 {
		to = g.universal[g.rng.IntN(len(g.universal))]
		spec.data, spec.kinds = g.commands(b, to, sender, true)
	}
	return spec, true
}

// fee returns a request fee: usually enough, sometimes zero (the queue
// contract then reverts).
func (g *generator) fee() *uint256.Int {
	switch g.rng.IntN(5) {
	case 0:
		return new(uint256.Int)
	case 1:
		return uint256.NewInt(1)
	}
	return uint256.NewInt(1_000_000_000 + uint64(g.rng.IntN(1000)))
}

func (g *generator) withdrawalRequest(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	to := params.WithdrawalQueueAddress
	data := make([]byte, 56) // pubkey (48), amount (8)
	g.fill(data)
	if g.rng.IntN(3) == 0 {
		clear(data[48:]) // a full exit
	}
	return txSpec{to: &to, value: g.fee(), data: data, env: envAny, kinds: []Kind{KindWithdrawalRequest}}, true
}

func (g *generator) consolidationRequest(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	to := params.ConsolidationQueueAddress
	data := make([]byte, 96) // source and target pubkeys
	g.fill(data)
	return txSpec{to: &to, value: g.fee(), data: data, env: envAny, kinds: []Kind{KindConsolidationRequest}}, true
}

func (g *generator) deposit(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	to := g.cfg.DepositContractAddress
	n := 576
	if g.rng.IntN(5) == 0 {
		n = 32 * g.rng.IntN(20) // not a deposit: LOG0 only
	}
	data := make([]byte, n)
	g.fill(data)
	spec := txSpec{to: &to, data: data, env: envAny, kinds: []Kind{KindLog}}
	if n == 576 {
		spec.kinds = append(spec.kinds, KindDeposit)
	}
	return spec, true
}

func (g *generator) builderDeposit(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	to := params.BuilderDepositAddress
	data := make([]byte, 184) // pubkey (48), credentials (32), amount in gwei (8), signature (96)
	g.fill(data)
	amount := uint64(1_000_000_000 + g.rng.IntN(1_000_000_000))
	if g.rng.IntN(5) == 0 {
		amount = uint64(g.rng.IntN(1_000_000_000)) // below the minimum: reverts
	}
	for i := range 8 {
		data[80+i] = byte(amount >> (56 - 8*i))
	}
	value := new(uint256.Int).Mul(uint256.NewInt(amount), uint256.NewInt(1_000_000_000))
	value.Add(value, g.fee())
	return txSpec{to: &to, value: value, data: data, env: envAny, kinds: []Kind{KindBuilderDeposit}}, true
}

func (g *generator) builderExit(_ *core.BlockGen, _ common.Address) (txSpec, bool) {
	to := params.BuilderExitAddress
	data := make([]byte, 48)
	g.fill(data)
	return txSpec{to: &to, value: g.fee(), data: data, env: envAny, kinds: []Kind{KindBuilderExit}}, true
}

// delegatedAccounts returns the accounts the generator delegated, sorted.
func (g *generator) delegatedAccounts() []common.Address {
	var out []common.Address
	for _, a := range g.senders { // senders order: deterministic
		if _, ok := g.delegated[a]; ok {
			out = append(out, a)
		}
	}
	return out
}

func (g *generator) callDelegated(b *core.BlockGen, sender common.Address) (txSpec, bool) {
	ds := g.delegatedAccounts()
	if len(ds) == 0 {
		return txSpec{}, false
	}
	to := ds[g.rng.IntN(len(ds))]
	data, kinds := g.commands(b, to, sender, true)
	return txSpec{to: &to, value: g.value(), data: data, env: envAny, kinds: append(kinds, KindDelegatedCall)}, true
}

func (g *generator) setCodeFocus(b *core.BlockGen, sender common.Address) (txSpec, bool) {
	to := g.senders[g.rng.IntN(len(g.senders))]
	spec := txSpec{to: &to, value: g.value(), env: envSetCode}
	if g.rng.IntN(2) == 0 {
		spec.data, spec.kinds = g.commands(b, to, sender, true)
	}
	return spec, true
}
