package gethpeer

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/consensus/misc/eip4844"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// Transaction envelopes.
const (
	envLegacy = iota
	envLegacyUnprotected
	envAccessList
	envDynamic
	envBlob
	envSetCode
	numEnvelopes
	envAny = -1
)

// txSpec is what a scenario wants sent; the envelope, sender, fees and
// lists are chosen around it.
type txSpec struct {
	to    *common.Address
	value *uint256.Int
	data  []byte
	gas   uint64 // 0: the fork's default
	tight bool   // gas limit just above the intrinsic cost
	env   int    // envAny or a forced envelope
	kinds []Kind
}

// scenario builds a txSpec for a sender; ok false means "not possible now".
type scenario struct {
	weight int
	from   Fork // first fork it applies to
	build  func(g *generator, b *core.BlockGen, sender common.Address) (txSpec, bool)
}

var scenarios = []scenario{
	{6, Cancun, (*generator).transferExisting},
	{3, Cancun, (*generator).transferNew},
	{2, Cancun, (*generator).transferZeroNew},
	{1, Cancun, (*generator).transferSelf},
	{1, Cancun, (*generator).touchEmpty},
	{1, Cancun, (*generator).transferPrecompile},
	{14, Cancun, (*generator).callUniversal},
	{1, Cancun, (*generator).callKV},
	{1, Cancun, (*generator).callSelfdestruct},
	{1, Cancun, (*generator).callReverter},
	{2, Cancun, (*generator).deployUniversal},
	{2, Cancun, (*generator).deployTemplate},
	{1, Cancun, (*generator).deployTight},
	{2, Cancun, (*generator).burn},
	{1, Cancun, (*generator).tightCall},
	{2, Cancun, (*generator).blobFocus},
	{2, Prague, (*generator).withdrawalRequest},
	{2, Prague, (*generator).consolidationRequest},
	{2, Prague, (*generator).deposit},
	{3, Prague, (*generator).callDelegated},
	{3, Prague, (*generator).setCodeFocus},
	{1, Amsterdam, (*generator).builderDeposit},
	{1, Amsterdam, (*generator).builderExit},
}

// Default gas limits. Amsterdam's EIP-8037 charges state growth in gas
// (about 98k per new slot, 184k per new account, 1530 per deployed code
// byte), so its transactions get more.
func (g *generator) defaultGas(create bool) uint64 {
	switch {
	case g.p.Fork >= Amsterdam && create:
		return 6_000_000
	case g.p.Fork >= Amsterdam:
		return 3_000_000
	}
	return 1_500_000
}

// transaction builds the next transaction of the block, or reports that the
// block has no room left.
func (g *generator) transaction(b *core.BlockGen) (*types.Transaction, []Kind, bool) {
	total := 0
	for _, s := range scenarios {
		if g.p.Fork >= s.from {
			total += s.weight
		}
	}
	senderIdx, ok := g.pickSender(b)
	if !ok {
		return nil, nil, false
	}
	sender := g.senders[senderIdx]
	var spec txSpec
	for attempt := 0; ; attempt++ {
		r := g.rng.IntN(total)
		var s scenario
		for _, s = range scenarios {
			if g.p.Fork < s.from {
				continue
			}
			if r < s.weight {
				break
			}
			r -= s.weight
		}
		var ok bool
		if spec, ok = s.build(g, b, sender); ok {
			break
		}
		if attempt > 16 {
			spec = g.plainTransfer(sender)
			break
		}
	}
	if spec.value == nil {
		spec.value = new(uint256.Int)
	}
	return g.envelope(b, senderIdx, spec)
}

// pickSender returns a sender that can pay. Accounts delegated to a
// self-destructing contract lose their balance when called, so not every
// sender can.
func (g *generator) pickSender(b *core.BlockGen) (int, bool) {
	minBalance := new(uint256.Int).Mul(uint256.NewInt(10), uint256.NewInt(1_000_000_000_000_000_000))
	for _, k := range g.rng.Perm(len(g.senders)) {
		if b.GetBalance(g.senders[k]).Cmp(minBalance) >= 0 {
			return k, true
		}
	}
	return 0, false
}

// fillBlock adds transactions that burn all their gas until the block is
// past its gas target, so that the next base fee rises.
func (g *generator) fillBlock(b *core.BlockGen) {
	limit := g.parent.GasLimit
	for limit-b.Gas() <= limit/2 && b.Gas() > 1_000_000 {
		senderIdx, ok := g.pickSender(b)
		if !ok {
			return
		}
		to := g.universal[g.rng.IntN(len(g.universal))]
		gas := min(b.Gas()-100_000, 10_000_000+uint64(g.rng.IntN(6_000_000)))
		spec := txSpec{to: &to, value: new(uint256.Int), data: command(opBurn, 0, nil, nil), gas: gas, env: envDynamic, kinds: []Kind{KindOutOfGas}}
		tx, kinds, ok := g.envelope(b, senderIdx, spec)
		if !ok {
			return
		}
		b.AddTxWithChain(g.bc, tx)
		for _, k := range kinds {
			g.cov[k]++
		}
	}
	g.cov[KindFullBlock]++
}

// commands returns calldata for the universal contract running with the
// storage of target, and the kinds it exercises. With terminal, it may end
// in a REVERT, SELFDESTRUCT or an invalid opcode.
func (g *generator) commands(b *core.BlockGen, target, sender common.Address, terminal bool) ([]byte, []Kind) {
	var (
		data  []byte
		kinds []Kind
		tmpl  = templates()
	)
	emit := func(op byte, slot uint64, a, bw *uint256.Int, k ...Kind) {
		data = append(data, command(op, slot, a, bw)...)
		kinds = append(kinds, k...)
	}
	slotState := func(slot uint64) *big.Int {
		return g.parentState.GetState(target, slotKey(slot)).Big()
	}
	word := func(op byte, slot uint64) *uint256.Int {
		return new(uint256.Int).SetBytes(command(op, slot, nil, nil)[:32])
	}
	addrWord := func(a common.Address, value uint64) *uint256.Int {
		w := new(uint256.Int).SetBytes(a.Bytes())
		return w.Or(w, new(uint256.Int).Lsh(uint256.NewInt(value), 160))
	}
	n := 1 + g.rng.IntN(6)
	for range n {
		slot := uint64(g.rng.IntN(numSlots))
		switch r := g.rng.IntN(33); {
		case r < 3: // a new slot
			for i := range uint64(numSlots) {
				if s := (slot + i) % numSlots; slotState(s).Sign() == 0 {
					slot = s
					break
				}
			}
			v := uint64(1 + g.rng.IntN(3))
			emit(opStore, slot, uint256.NewInt(v), nil, g.storageKind(target, slot, v))
		case r < 6: // change or zero a slot
			for i := range uint64(numSlots) {
				if s := (slot + i) % numSlots; slotState(s).Sign() != 0 {
					slot = s
					break
				}
			}
			v := uint64(g.rng.IntN(4))
			emit(opStore, slot, uint256.NewInt(v), nil, g.storageKind(target, slot, v))
		case r < 7:
			emit(opNoopWrite, slot, nil, nil, KindStorageNoop)
		case r < 9:
			emit(opRestore, slot, uint256.NewInt(uint64(g.rng.IntN(5))), nil, KindStorageRestore)
		case r < 10:
			emit(opRead, slot, nil, nil, KindStorageRead)
		case r < 11:
			emit(opTransient, slot, uint256.NewInt(uint64(g.rng.IntN(3))), uint256.NewInt(uint64(g.rng.IntN(2))), KindTransient)
		case r < 14:
			a := g.rng.Uint64()
			if g.rng.IntN(2) == 0 {
				a = uint64(g.rng.IntN(5))
			}
			emit(opLog, slot, uint256.NewInt(a), uint256.NewInt(g.rng.Uint64()), KindLog)
		case r < 17: // CALL
			g.callCommand(emit, slot, target, word, addrWord)
		case r < 18:
			var to common.Address
			switch g.rng.IntN(3) {
			case 0:
				to = g.universal[g.rng.IntN(len(g.universal))]
			case 1:
				to = g.kvStore
			default:
				to = g.sdContract // SELFDESTRUCT in the caller's context
			}
			emit(opDelegateCall, slot, addrWord(to, 0), word(opStore, uint64(g.rng.IntN(numSlots))), KindDelegateCall)
		case r < 19:
			var to common.Address
			in := uint256.NewInt(g.rng.Uint64())
			switch {
			case g.p.Fork >= Prague && g.rng.IntN(2) == 0:
				to = params.HistoryStorageAddress
				in = uint256.NewInt(g.blockNum - uint64(g.rng.IntN(int(min(g.blockNum, 10))+1)))
			case g.rng.IntN(3) == 0:
				// The EIP-4788 contract, asked for an earlier block's root.
				// Never the current timestamp: go-ethereum's chain maker runs
				// the beacon-root system call after the transactions, so a
				// read of the current root would differ from processing.
				to = params.BeaconRootsAddress
				in = uint256.NewInt(g.parent.Time - 10*uint64(g.rng.IntN(3)))
			case g.rng.IntN(3) == 0:
				to = g.universal[g.rng.IntN(len(g.universal))]
				in = word(opStore, slot) // a write in a static context fails
			default:
				pcs := g.precompiles()
				to = pcs[g.rng.IntN(len(pcs))]
			}
			emit(opStaticCall, slot, addrWord(to, 0), in, KindStaticCall)
		case r < 21:
			depths := []uint64{0, 1, 2, g.blockNum, g.blockNum + 1, 255, 256, 257, 1000}
			d := depths[g.rng.IntN(len(depths))]
			if g.blockNum > 1 && g.rng.IntN(2) == 0 {
				d = 1 + uint64(g.rng.IntN(int(min(g.blockNum, 300))))
			}
			emit(opBlockhash, slot, uint256.NewInt(d), nil, KindBlockhash)
		case r < 22:
			emit(opExt, slot, addrWord(g.anyAddress(), 0), nil, KindExtCode)
		case r < 23:
			emit(opMemory, slot, uint256.NewInt(uint64(g.rng.IntN(1<<16))), nil, KindMemory)
		case r < 24:
			g.lowGasCall(emit, slot, word, addrWord)
		case r < 25:
			to := g.universal[g.rng.IntN(len(g.universal))]
			emit(opCallCode, slot, addrWord(to, uint64(g.rng.IntN(2))), word(opStore, uint64(g.rng.IntN(numSlots))), KindCallCode)
		case r < 29:
			g.createCommands(emit, slot, target, tmpl, addrWord)
		case r < 30:
			if g.p.Fork >= Osaka {
				emit(opCLZ, slot, uint256.NewInt(g.rng.Uint64()>>g.rng.IntN(64)), nil, KindCLZ)
			}
		default:
			v := uint64(g.rng.IntN(4))
			emit(opStore, slot, uint256.NewInt(v), nil, g.storageKind(target, slot, v))
		}
	}
	if !terminal {
		return data, kinds
	}
	switch r := g.rng.IntN(40); {
	case r < 4:
		emit(opRevert, 0, uint256.NewInt(g.rng.Uint64()), nil, KindRevert)
	case r < 6:
		var to common.Address
		switch g.rng.IntN(5) {
		case 0:
			to = target
		case 1:
			to = sender
		case 2:
			to = g.coinbase
		case 3:
			to = g.addr("beneficiary", int(g.rng.Int32()))
		}
		g.see(to)
		emit(opSelfdestruct, 0, addrWord(to, 0), nil, KindSelfdestructExisting)
	case r < 7 && g.p.Fork < Osaka:
		emit(opCLZ, 0, uint256.NewInt(1), nil, KindInvalidOpcode)
	}
	return data, kinds
}

// callCommand emits a CALL from the universal contract: a nested command to
// another instance, value to an account, a precompile, the reverter, or a
// contract that self-destructs.
func (g *generator) callCommand(emit func(byte, uint64, *uint256.Int, *uint256.Int, ...Kind), slot uint64, target common.Address,
	word func(byte, uint64) *uint256.Int, addrWord func(common.Address, uint64) *uint256.Int) {
	var value uint64
	if g.rng.IntN(3) == 0 {
		value = 1 + uint64(g.rng.IntN(1_000_000))
	}
	var kinds []Kind
	if value > 0 {
		kinds = append(kinds, KindCallValue)
	}
	var (
		to common.Address
		in = new(uint256.Int)
	)
	switch g.rng.IntN(7) {
	case 0, 1: // a nested command
		to = g.universal[g.rng.IntN(len(g.universal))]
		ops := []byte{opStore, opRevert, opBurn, opLog, opRestore}
		op := ops[g.rng.IntN(len(ops))]
		in = word(op, uint64(g.rng.IntN(numSlots)))
		switch op {
		case opRevert, opBurn:
			kinds = append(kinds, KindNestedRevert)
		case opLog:
			kinds = append(kinds, KindLog)
		}
	case 2:
		to = g.reverter
		kinds = append(kinds, KindNestedRevert)
	case 3:
		to = g.sdContract
		kinds = append(kinds, KindSelfdestructExisting)
	case 4:
		pcs := g.precompiles()
		to = pcs[g.rng.IntN(len(pcs))]
		in = uint256.NewInt(g.rng.Uint64())
	case 5:
		to = g.addr("called", int(g.rng.Int32())) // an absent account
	default:
		ds := g.delegatedAccounts()
		if len(ds) == 0 {
			to = g.senders[g.rng.IntN(len(g.senders))]
		} else {
			to = ds[g.rng.IntN(len(ds))]
			kinds = append(kinds, KindDelegatedCall)
		}
	}
	g.see(to)
	emit(opCall, slot, addrWord(to, value), in, kinds...)
}

// lowGasCall emits a CALL with a small gas allowance: with value the callee
// runs on the 2300 stipend (no SSTORE, no SELFDESTRUCT, no ecrecover).
func (g *generator) lowGasCall(emit func(byte, uint64, *uint256.Int, *uint256.Int, ...Kind), slot uint64,
	word func(byte, uint64) *uint256.Int, addrWord func(common.Address, uint64) *uint256.Int) {
	gases := []uint64{0, 2300, 2301, 5000, 25_000}
	gas := gases[g.rng.IntN(len(gases))]
	value := uint64(g.rng.IntN(2))
	var (
		to common.Address
		in = new(uint256.Int)
	)
	switch g.rng.IntN(4) {
	case 0:
		to = g.universal[g.rng.IntN(len(g.universal))]
		in = word(opStore, uint64(g.rng.IntN(numSlots)))
	case 1:
		to = g.sdContract
	case 2:
		to = common.BytesToAddress([]byte{1}) // ecrecover costs 3000
	default:
		to = g.anyAddress()
	}
	g.see(to)
	a := addrWord(to, value)
	a.Or(a, new(uint256.Int).Lsh(uint256.NewInt(gas), 224))
	emit(opCallLowGas, slot, a, in, KindCallLowGas)
}

// createCommands emits a CREATE or CREATE2 of a template, sometimes twice
// (a collision) or followed by a call into the new contract.
func (g *generator) createCommands(emit func(byte, uint64, *uint256.Int, *uint256.Int, ...Kind), slot uint64, target common.Address,
	tmpl [numTemplates][]byte, addrWord func(common.Address, uint64) *uint256.Int) {
	t := g.rng.IntN(numTemplates)
	var value uint64
	if g.rng.IntN(4) == 0 {
		value = uint64(g.rng.IntN(1000))
	}
	bw := uint256.NewInt(value<<8 | uint64(t))
	var kinds []Kind
	switch t {
	case tmplRevertInit, tmplEFCode, tmplOOGInit:
		kinds = append(kinds, KindCreateFail)
	case tmplSelfdestructInit, tmplBurnInit:
		kinds = append(kinds, KindSelfdestructSameTx)
	}
	if g.rng.IntN(4) == 0 {
		emit(opCreate, slot, nil, bw, append(kinds, KindCreate)...)
		return
	}
	salt := uint64(g.rng.IntN(squatSalt))
	if target == g.universal[0] && g.rng.IntN(2) == 0 {
		salt = squatSalt
		t = []int{tmplKVRuntime, tmplEmptyCode}[g.rng.IntN(2)] // onto an account that has balance or storage only
		bw = uint256.NewInt(value<<8 | uint64(t))
		kinds = nil
	}
	addr := create2Address(target, salt, tmpl[t])
	g.see(addr)
	if g.create2s[addr] {
		kinds = append(kinds, KindCreate2Collision)
	}
	g.create2s[addr] = true
	emit(opCreate2, slot, uint256.NewInt(salt), bw, append(kinds, KindCreate2)...)
	switch g.rng.IntN(3) {
	case 0:
		if t != tmplRevertInit && t != tmplEFCode && t != tmplOOGInit {
			emit(opCreate2, (slot+1)%numSlots, uint256.NewInt(salt), bw, KindCreate2Collision)
		}
	case 1:
		k := KindSelfdestructExisting
		if t == tmplSelfdestructRuntime {
			k = KindSelfdestructSameTx
		}
		emit(opCall, (slot+1)%numSlots, addrWord(addr, 0), nil, k)
	}
}

// eip4844MaxBlobs returns the blob limit of a block at time.
func eip4844MaxBlobs(cfg *params.ChainConfig, time uint64) int {
	return eip4844.MaxBlobsPerBlock(cfg, time)
}

// blobBaseFee returns the blob base fee of the block being generated.
func blobBaseFee(cfg *params.ChainConfig, parent *types.Header, b *core.BlockGen) *uint256.Int {
	excess := eip4844.CalcExcessBlobGas(cfg, parent, b.Timestamp())
	h := &types.Header{Number: b.Number(), Time: b.Timestamp(), ExcessBlobGas: &excess}
	return uint256.MustFromBig(eip4844.CalcBlobFee(cfg, h))
}
