package evm

import (
	"bytes"
	"sync/atomic"

	"github.com/balexec/balexec/exec/evm/precompile"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Config holds the optional settings of an EVM.
type Config struct {
	// Analyses supplies the JUMPDEST analysis of deployed code. Share one
	// (for example a SharedAnalysisCache) between all EVMs of a process so
	// that each code is analysed once. Nil gives the EVM a private cache.
	Analyses AnalysisCache
	// TableOnly switches off the interpreter's inline fast path, so every
	// opcode goes through the jump table: the fast path's slow twin, for
	// differential tests. It costs speed and changes no result.
	TableOnly bool
}

// frameRetain is the number of frames (and thus 32 KiB stacks) an EVM keeps
// across transactions; deeper frames allocated by a deep call chain are
// released by Reset. Real contracts rarely nest more than a few dozen calls.
const frameRetain = 64

// memRetain is the largest memory backing array a retained frame keeps
// across transactions.
const memRetain = 1 << 20

// EVM executes calls and creates on a StateDB under one set of rules and one
// block. It is reused across the transactions of a block and across blocks
// by one goroutine: Reset points it at the next transaction's state,
// ApplyMessage sets the transaction context, Configure moves it to the next
// block (the sequential processor and each parallel worker keep theirs from
// block to block).
//
// An EVM is not safe for concurrent use, except for Cancel.
type EVM struct {
	rules    Rules
	costs    gasCosts // the prices of rules at Block's gas limit
	table    *jumpTable
	pre      *precompile.Set
	preAddrs []types.Address
	analyses AnalysisCache

	Block BlockContext
	Tx    TxContext
	state StateDB

	depth      int
	readOnly   bool
	returnData []byte
	frames     []*frame

	abort atomic.Bool
	zero  uint256.Int // a zero amount to pass by pointer; never modified
	// amount is scratch for amounts passed by pointer to the state, which
	// copies them: a local would escape through the interface call.
	amount uint256.Int

	// authorities tracks what the current transaction's EIP-7702
	// authorizations have paid (EIP-2780); reused across transactions.
	authorities []authority
	// authCredit is the state gas the current transaction's existing
	// authorities credited to its reservoir (the tests-bal@v5.7.0
	// EIP-8037).
	authCredit uint64
	// destructs lists the contracts created in the current transaction
	// that self-destructed (possibly in frames reverted since), when the
	// rules need them at its end (burnsDestructed, the tests-bal@v5.7.0
	// EIP-8037); reused across transactions.
	destructs []types.Address

	// tableOnly disables the interpreter's inline fast path, so that every
	// opcode runs through the jump table; tests use it as the slow twin.
	tableOnly bool
}

// NewEVM returns an EVM for block under rules. It fails only on
// inconsistent rules.
func NewEVM(block BlockContext, rules Rules, cfg Config) (*EVM, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	evm := &EVM{
		rules:     rules,
		costs:     costsFor(&rules, block.GasLimit),
		table:     tableFor(&rules),
		pre:       rules.Precompiles(),
		preAddrs:  rules.ActivePrecompiles(),
		analyses:  cfg.Analyses,
		tableOnly: cfg.TableOnly,
		Block:     block,
	}
	if evm.analyses == nil {
		evm.analyses = NewSharedAnalysisCache(4096)
	}
	return evm, nil
}

// newGas returns a budget of exec execution gas and a state reservoir in
// the reservoir model of the EVM's rules (see Gas).
func (evm *EVM) newGas(exec, state uint64) Gas {
	g := NewGas(exec, state)
	g.unrecordedSpill = evm.rules.stateGasBalV570()
	return g
}

// Reset prepares the EVM for a new transaction on state: it clears the
// transaction context and the cancellation flag and releases frames beyond
// the retained pool.
func (evm *EVM) Reset(state StateDB) {
	evm.state = state
	evm.Tx = TxContext{}
	evm.depth = 0
	evm.readOnly = false
	evm.returnData = nil
	evm.abort.Store(false)
	if len(evm.frames) > frameRetain {
		clear(evm.frames[frameRetain:])
		evm.frames = evm.frames[:frameRetain]
	}
	for _, f := range evm.frames {
		if cap(f.mem.store) > memRetain {
			f.mem.store = nil
		}
		if cap(f.ret) > memRetain {
			f.ret = nil
		}
		f.code, f.input = nil, nil
	}
}

// Configure prepares the EVM for another block: it sets the block context
// and, when they differ from the current ones, the rules, which it checks as
// NewEVM does (on error the EVM is unchanged). An EVM configured this way
// keeps its frames, stacks and memory from block to block.
func (evm *EVM) Configure(block BlockContext, rules Rules) error {
	if rules != evm.rules {
		if err := rules.Validate(); err != nil {
			return err
		}
		evm.rules = rules
		evm.table = tableFor(&rules)
		evm.pre = rules.Precompiles()
		evm.preAddrs = rules.ActivePrecompiles()
	}
	evm.Block = block
	evm.costs = costsFor(&evm.rules, block.GasLimit)
	return nil
}

// Cancel stops a running execution at its next jump; the execution then
// fails with ErrCancelled. It is safe to call from any goroutine. Reset
// clears it.
func (evm *EVM) Cancel() { evm.abort.Store(true) }

// frame is the execution context of one call or create: its stack, memory,
// code and gas. Frames are owned by the EVM, one per call depth, and reused.
type frame struct {
	stack evmStack
	mem   evmMemory
	// ret is this frame's buffer for RETURN and REVERT data. The caller
	// reads it as return data until it makes its next call, which reuses
	// this frame.
	ret []byte
	out []byte // the output of RETURN or REVERT: nil or a slice of ret

	code     []byte
	codeHash types.Hash // zero for initcode, which is not cached
	dests    JumpDests
	destsSet bool
	input    []byte
	address  types.Address
	caller   types.Address
	value    uint256.Int
	gas      Gas
	pc       uint64
	callGas  uint64 // gas for the callee, computed by the CALL gas functions
}

// frameAt returns the frame for depth d, allocating it on first use.
func (evm *EVM) frameAt(d int) *frame {
	for len(evm.frames) <= d {
		evm.frames = append(evm.frames, new(frame))
	}
	return evm.frames[d]
}

// precompileAddrs returns the addresses of the active precompiles.
func (evm *EVM) precompileAddrs() []types.Address { return evm.preAddrs }

// precompile returns the precompiled contract at addr, if any.
func (evm *EVM) precompile(addr types.Address) (precompile.Contract, bool) {
	return evm.pre.Get(addr)
}

// canTransfer reports whether addr holds at least amount.
func (evm *EVM) canTransfer(addr types.Address, amount *uint256.Int) bool {
	bal := evm.state.GetBalance(addr)
	return !bal.Lt(amount)
}

// transfer moves amount from sender to recipient. It is called even for a
// zero amount, which touches both accounts (EIP-161). From Amsterdam a
// non-zero amount between two different accounts also emits a transfer log
// (EIP-7708), journaled like any log.
func (evm *EVM) transfer(sender, recipient types.Address, amount *uint256.Int) {
	evm.state.SubBalance(sender, amount)
	evm.state.AddBalance(recipient, amount)
	evm.transferLog(sender, recipient, amount)
}

// transferLog emits the EIP-7708 log of a value transfer: from
// SystemAddress, topics [TransferLogTopic, from, to] (addresses left-padded
// to 32 bytes), data the amount as a 32-byte word. Nothing is logged before
// EIP-7708, for a zero amount, or for a transfer to oneself.
func (evm *EVM) transferLog(from, to types.Address, amount *uint256.Int) {
	if !evm.rules.EIP7708 || amount.IsZero() || from == to {
		return
	}
	evm.state.AddLog(TransferLog(from, to, amount))
}

// TransferLog returns the EIP-7708 log of a transfer of amount from from to
// to, in new memory.
func TransferLog(from, to types.Address, amount *uint256.Int) types.Log {
	topics := make([]types.Hash, 3)
	topics[0] = TransferLogTopic
	copy(topics[1][12:], from[:])
	copy(topics[2][12:], to[:])
	word := amount.Bytes32()
	return types.Log{Address: SystemAddress, Topics: topics, Data: word[:]}
}

// Call runs the code at addr with input, transferring value from caller,
// and returns the output, the leftover gas and the error that ended the
// call. It is the entry point of message calls: the top frame of a
// transaction, system calls, and the CALL opcode.
//
// The returned output is volatile: it stays valid until the next call on
// this EVM. The leftover gas is what the caller gets back (nothing after an
// exceptional halt).
func (evm *EVM) Call(caller, addr types.Address, input []byte, gas Gas, value *uint256.Int) (ret []byte, left Gas, err error) {
	if evm.depth > MaxCallDepth {
		return nil, gas, ErrDepth
	}
	syscall := caller == SystemAddress
	if !syscall && !value.IsZero() && !evm.canTransfer(caller, value) {
		return nil, gas, ErrInsufficientBalance
	}
	snapshot := evm.state.Snapshot()
	p, isPrecompile := evm.precompile(addr)
	if !evm.state.Exist(addr) {
		if !isPrecompile && value.IsZero() {
			// Calling a non-existent account moves nothing and runs
			// nothing; it does not even touch the account.
			return nil, gas, nil
		}
		evm.state.CreateAccount(addr)
	}
	if !syscall {
		evm.transfer(caller, addr, value)
	}
	if isPrecompile {
		ret, gas, err = evm.runPrecompile(p, addr, input, gas)
	} else if code := evm.resolveCode(addr); len(code) != 0 {
		f := evm.frameAt(evm.depth)
		f.setup(caller, addr, value, gas, code, evm.resolveCodeHash(addr), input)
		ret, err = evm.run(f, false)
		gas = f.gas
	}
	left = gas.exit(err)
	if err != nil {
		evm.state.RevertToSnapshot(snapshot)
	}
	return ret, left, err
}

// CallCode runs the code at addr in the context of caller (CALLCODE):
// storage, balance and address are the caller's, value is sent from the
// caller to itself.
func (evm *EVM) CallCode(caller, addr types.Address, input []byte, gas Gas, value *uint256.Int) (ret []byte, left Gas, err error) {
	if evm.depth > MaxCallDepth {
		return nil, gas, ErrDepth
	}
	if !evm.canTransfer(caller, value) {
		return nil, gas, ErrInsufficientBalance
	}
	snapshot := evm.state.Snapshot()
	if p, ok := evm.precompile(addr); ok {
		ret, gas, err = evm.runPrecompile(p, addr, input, gas)
	} else {
		f := evm.frameAt(evm.depth)
		f.setup(caller, caller, value, gas, evm.resolveCode(addr), evm.resolveCodeHash(addr), input)
		ret, err = evm.run(f, false)
		gas = f.gas
	}
	left = gas.exit(err)
	if err != nil {
		evm.state.RevertToSnapshot(snapshot)
	}
	return ret, left, err
}

// DelegateCall runs the code at addr in the context of the calling frame
// (DELEGATECALL): self is the calling contract, origCaller and value are
// those of the calling frame.
func (evm *EVM) DelegateCall(origCaller, self, addr types.Address, input []byte, gas Gas, value *uint256.Int) (ret []byte, left Gas, err error) {
	if evm.depth > MaxCallDepth {
		return nil, gas, ErrDepth
	}
	snapshot := evm.state.Snapshot()
	if p, ok := evm.precompile(addr); ok {
		ret, gas, err = evm.runPrecompile(p, addr, input, gas)
	} else {
		f := evm.frameAt(evm.depth)
		f.setup(origCaller, self, value, gas, evm.resolveCode(addr), evm.resolveCodeHash(addr), input)
		ret, err = evm.run(f, false)
		gas = f.gas
	}
	left = gas.exit(err)
	if err != nil {
		evm.state.RevertToSnapshot(snapshot)
	}
	return ret, left, err
}

// StaticCall runs the code at addr with state modifications forbidden
// (STATICCALL), in the callee and everything it calls.
func (evm *EVM) StaticCall(caller, addr types.Address, input []byte, gas Gas) (ret []byte, left Gas, err error) {
	if evm.depth > MaxCallDepth {
		return nil, gas, ErrDepth
	}
	snapshot := evm.state.Snapshot()
	// A zero-value balance change touches the callee, as in go-ethereum
	// (this matters for EIP-161 empty accounts in tests).
	evm.state.AddBalance(addr, &evm.zero)
	if p, ok := evm.precompile(addr); ok {
		ret, gas, err = evm.runPrecompile(p, addr, input, gas)
	} else {
		f := evm.frameAt(evm.depth)
		f.setup(caller, addr, &evm.zero, gas, evm.resolveCode(addr), evm.resolveCodeHash(addr), input)
		ret, err = evm.run(f, true)
		gas = f.gas
	}
	left = gas.exit(err)
	if err != nil {
		evm.state.RevertToSnapshot(snapshot)
	}
	return ret, left, err
}

// runPrecompile charges and runs the precompiled contract at addr. An
// error from the contract consumes all the gas given to it (the caller's
// exit rule). From Amsterdam a precompile whose gas was paid is touched, so
// that it is in the block access list (EIP-7928).
func (evm *EVM) runPrecompile(p precompile.Contract, addr types.Address, input []byte, gas Gas) ([]byte, Gas, error) {
	if !gas.ChargeExec(p.Gas(input)) {
		return nil, gas, ErrOutOfGas
	}
	if evm.rules.EIP7928 {
		evm.state.Touch(addr)
	}
	out, err := p.Run(input)
	return out, gas, err
}

// Create deploys a contract at CreateAddress(caller, nonce of caller) with
// code as initcode and returns the initcode's output, the new address, the
// leftover gas and the error that ended the creation.
func (evm *EVM) Create(caller types.Address, code []byte, gas Gas, value *uint256.Int) (ret []byte, addr types.Address, left Gas, err error) {
	addr = types.CreateAddress(caller, evm.state.GetNonce(caller))
	return evm.create(caller, code, gas, value, addr)
}

// createPreCheck reports why a creation by caller cannot start: the call
// depth, the balance for value, or the caller's nonce at its maximum.
func (evm *EVM) createPreCheck(caller types.Address, value *uint256.Int) error {
	if evm.depth > MaxCallDepth {
		return ErrDepth
	}
	if !evm.canTransfer(caller, value) {
		return ErrInsufficientBalance
	}
	if nonce := evm.state.GetNonce(caller); nonce+1 < nonce {
		return ErrNonceUintOverflow
	}
	return nil
}

// create runs the creation of a contract at address. From Amsterdam
// (EIP-8037) the pre-check is the creating frame's (opCreate, or the
// transaction's own checks for a creation transaction), which must decide
// whether the creation starts before it charges the new account's state gas;
// create does not repeat it.
func (evm *EVM) create(caller types.Address, code []byte, gas Gas, value *uint256.Int, address types.Address) ([]byte, types.Address, Gas, error) {
	if !evm.rules.EIP8037 {
		if err := evm.createPreCheck(caller, value); err != nil {
			return nil, types.Address{}, gas, err
		}
	}
	evm.state.SetNonce(caller, evm.state.GetNonce(caller)+1)
	// The address stays warm even if the creation fails.
	evm.state.AddAddressToAccessList(address)

	// An address is taken if it has a nonce, code or (EIP-7610) storage.
	if evm.collides(address) {
		return nil, types.Address{}, gas.exitHalt(), ErrContractAddressCollision
	}
	snapshot := evm.state.Snapshot()
	if !evm.state.Exist(address) {
		evm.state.CreateAccount(address)
	}
	evm.state.CreateContract(address)
	evm.state.SetNonce(address, 1)
	evm.transfer(caller, address, value)

	f := evm.frameAt(evm.depth)
	f.setup(caller, address, value, gas, code, types.Hash{}, nil)
	ret, err := evm.run(f, false)
	if err == nil {
		err = evm.deployCode(f, address, ret)
	}
	if err != nil {
		evm.state.RevertToSnapshot(snapshot)
		return ret, address, f.gas.exit(err), err
	}
	return ret, address, f.gas.exitSuccess(), nil
}

// collides reports whether a creation at address must fail.
func (evm *EVM) collides(address types.Address) bool {
	if evm.state.GetNonce(address) != 0 {
		return true
	}
	if h := evm.state.GetCodeHash(address); h != (types.Hash{}) && h != types.EmptyCodeHash {
		return true
	}
	return evm.rules.EIP7610 && evm.state.HasStorage(address)
}

// deployCode checks and pays for the runtime code returned by initcode and
// stores it. Before Amsterdam: the 0xEF prefix (EIP-3541), 200 gas per byte,
// then the size limit. With EIP-8037: the 0xEF prefix, the size limit (so
// that oversized code costs no state gas), then the code's hashing (6 per
// word) and its bytes as state gas, in that order under go-ethereum's
// revision and the other way round under tests-bal@v5.7.0's.
func (evm *EVM) deployCode(f *frame, address types.Address, code []byte) error {
	if len(code) > 0 && code[0] == 0xef { // EIP-3541
		return ErrInvalidCode
	}
	n := uint64(len(code)) // at most the initcode's memory, far below 2^40
	if evm.rules.EIP8037 {
		if len(code) > evm.rules.MaxCodeSize() {
			return ErrMaxCodeSizeExceeded
		}
		hashing, state := toWords(n)*gasKeccakWord, GasCost{State: n * evm.costs.bytePrice}
		if evm.rules.stateGasBalV570() {
			if !f.gas.Charge(state) || !f.gas.ChargeExec(hashing) {
				return ErrCodeStoreOutOfGas
			}
		} else if !f.gas.ChargeExec(hashing) || !f.gas.Charge(state) {
			return ErrCodeStoreOutOfGas
		}
	} else {
		if !f.gas.ChargeExec(n * gasCodeDeposit) {
			return ErrCodeStoreOutOfGas
		}
		if len(code) > evm.rules.MaxCodeSize() {
			return ErrMaxCodeSizeExceeded
		}
	}
	if len(code) > 0 {
		evm.state.SetCode(address, bytes.Clone(code))
	}
	return nil
}

// resolveCode returns the code to run for addr: its own, or from Prague the
// code of the account its delegation designator points to (one hop only).
func (evm *EVM) resolveCode(addr types.Address) []byte {
	code := evm.state.GetCode(addr)
	if evm.rules.IsPrague {
		if target, ok := ParseDelegation(code); ok {
			return evm.state.GetCode(target)
		}
	}
	return code
}

// resolveCodeHash returns the hash of the code resolveCode returns, the key
// of its JUMPDEST analysis.
func (evm *EVM) resolveCodeHash(addr types.Address) types.Hash {
	if evm.rules.IsPrague {
		if target, ok := ParseDelegation(evm.state.GetCode(addr)); ok {
			return evm.state.GetCodeHash(target)
		}
	}
	return evm.state.GetCodeHash(addr)
}

// setup initialises f for a new call.
func (f *frame) setup(caller, address types.Address, value *uint256.Int, gas Gas, code []byte, codeHash types.Hash, input []byte) {
	f.caller = caller
	f.address = address
	f.value = *value
	f.gas = gas
	f.code = code
	f.codeHash = codeHash
	f.dests = nil
	f.destsSet = false
	f.input = input
	f.pc = 0
	f.callGas = 0
}

// validJump reports whether dest is a JUMPDEST in f's code, analysing the
// code on the first jump of the frame.
func (evm *EVM) validJump(f *frame, dest *uint256.Int) bool {
	d, overflow := dest.Uint64WithOverflow()
	if overflow || d >= uint64(len(f.code)) || f.code[d] != opJUMPDEST {
		return false
	}
	if !f.destsSet {
		if f.codeHash == (types.Hash{}) {
			f.dests = AnalyzeJumpDests(f.code)
		} else {
			f.dests = evm.analyses.JumpDests(f.codeHash, f.code)
		}
		f.destsSet = true
	}
	return f.dests.Valid(d)
}
