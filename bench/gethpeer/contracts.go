package gethpeer

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
)

// The universal contract interprets its calldata as a list of commands of
// three words each: [op<<248 | slot, a, b]. Scratch memory: 0x00 the
// calldata cursor, 0x20 slot, 0x40 a, 0x60 b, 0x80 call input, 0xa0 call
// output and log data, 0x100 a copied code template.
const (
	opStore        = 0  // SSTORE(slot, a)
	opRestore      = 1  // t = SLOAD(slot); SSTORE(slot, a); SSTORE(slot, t)
	opLog          = 2  // LOG(a mod 5) of SLOAD(slot), topics slot, a, b, CALLER
	opNoopWrite    = 3  // SSTORE(slot, SLOAD(slot))
	opRevert       = 4  // REVERT with the word a
	opBurn         = 5  // loop until out of gas
	opCall         = 6  // CALL(GAS, a&addr, a>>160, in=b) ; SSTORE(slot, out+success)
	opDelegateCall = 7  // DELEGATECALL(GAS, a, in=b) ; SSTORE(slot, out+success)
	opBlockhash    = 8  // SSTORE(slot, BLOCKHASH(NUMBER-a))
	opSelfdestruct = 9  // SELFDESTRUCT(a)
	opExt          = 10 // SSTORE(slot, BALANCE(a)^EXTCODEHASH(a)^EXTCODESIZE(a)^SELFBALANCE)
	opCreate2      = 11 // CREATE2(value b>>8, template b&0xff, salt a); SSTORE(slot, addr); LOG1
	opCreate       = 12 // CREATE(value b>>8, template b&0xff); SSTORE(slot, addr); LOG1
	opCLZ          = 13 // SSTORE(slot, CLZ(a)) (an invalid opcode before Osaka)
	opTransient    = 14 // TSTORE(slot, a); SSTORE(slot, TLOAD(slot)+b)
	opStaticCall   = 15 // STATICCALL(GAS, a, in=b) ; SSTORE(slot, out+success)
	opRead         = 16 // MSTORE(0xc0, SLOAD(slot)): a pure storage read
	opCallLowGas   = 17 // CALL(a>>224, a&addr, (a>>160)&(2^64-1), in=b) ; SSTORE(slot, out+success)
	opMemory       = 18 // SSTORE(slot, KECCAK256(0, a&0xffff) + MSIZE): memory expansion
	opCallCode     = 19 // CALLCODE(GAS, a&addr, a>>160, in=b) ; SSTORE(slot, out+success)
	numOps         = 20
)

// createdTopic marks the log the universal contract emits for every
// CREATE/CREATE2 (data: the new address, zero on failure).
var createdTopic = common.HexToHash("0x00000000000000000000000000000000000000000000000000000000c0ea7ed0")

// Code templates that opCreate/opCreate2 copy from the universal contract's
// code, each padded to templateSize bytes (the padding is part of the
// initcode, so it enters CREATE2 addresses).
const (
	tmplSelfdestructRuntime = iota // deploys CALLER SELFDESTRUCT
	tmplKVRuntime                  // SSTORE(0, CALLVALUE+1), LOG0, deploys a key/value store
	tmplSelfdestructInit           // SSTORE then SELFDESTRUCT in the constructor
	tmplRevertInit                 // SSTORE then REVERT in the constructor
	tmplEFCode                     // returns code starting with 0xEF (EIP-3541)
	tmplOOGInit                    // loops until out of gas
	tmplEmptyCode                  // SSTORE(1, 7), returns no code
	tmplLogRuntime                 // deploys a LOG0-of-calldata contract
	tmplBurnInit                   // SELFDESTRUCT to itself in the constructor: its value is burnt
	numTemplates

	templateSize = 64
)

// kvRuntime is SSTORE(calldata[0:32], calldata[32:64]).
var kvRuntime = []byte{
	byte(vm.PUSH1), 32, byte(vm.CALLDATALOAD), byte(vm.PUSH1), 0, byte(vm.CALLDATALOAD), byte(vm.SSTORE), byte(vm.STOP),
}

// selfdestructRuntime is SELFDESTRUCT(CALLER).
var selfdestructRuntime = []byte{byte(vm.CALLER), byte(vm.SELFDESTRUCT)}

// revertRuntime always reverts with empty data.
var revertRuntime = []byte{byte(vm.PUSH1), 0, byte(vm.PUSH1), 0, byte(vm.REVERT)}

// logRuntime is LOG0 of the calldata.
var logRuntime = []byte{
	byte(vm.CALLDATASIZE), byte(vm.PUSH1), 0, byte(vm.PUSH1), 0, byte(vm.CALLDATACOPY),
	byte(vm.CALLDATASIZE), byte(vm.PUSH1), 0, byte(vm.LOG0), byte(vm.STOP),
}

// returnCode appends code that returns rt (at most 32 bytes) from memory.
func returnCode(a *asm, rt []byte) {
	a.pushBytes(rt).push(0).op(vm.MSTORE)
	a.push(uint64(len(rt))).push(uint64(32 - len(rt))).op(vm.RETURN)
}

// templates returns the initcode templates, each padded to templateSize.
func templates() [numTemplates][]byte {
	var t [numTemplates][]byte
	build := func(i int, f func(a *asm)) {
		a := newAsm()
		f(a)
		code := a.bytes()
		if len(code) > templateSize {
			panic("gethpeer: template too long")
		}
		t[i] = append(code, make([]byte, templateSize-len(code))...)
	}
	build(tmplSelfdestructRuntime, func(a *asm) { returnCode(a, selfdestructRuntime) })
	build(tmplKVRuntime, func(a *asm) {
		a.op(vm.CALLVALUE).push(1).op(vm.ADD).push(0).op(vm.SSTORE)
		a.push(0).push(0).op(vm.LOG0)
		returnCode(a, kvRuntime)
	})
	build(tmplSelfdestructInit, func(a *asm) {
		a.push(1).push(0).op(vm.SSTORE).op(vm.CALLER, vm.SELFDESTRUCT)
	})
	build(tmplRevertInit, func(a *asm) {
		a.push(1).push(0).op(vm.SSTORE).push(0).push(0).op(vm.REVERT)
	})
	build(tmplEFCode, func(a *asm) {
		a.push(0xef).push(0).op(vm.MSTORE8).push(1).push(0).op(vm.RETURN)
	})
	build(tmplOOGInit, func(a *asm) { a.label("l").jump("l") })
	build(tmplEmptyCode, func(a *asm) { a.push(7).push(1).op(vm.SSTORE, vm.STOP) })
	build(tmplLogRuntime, func(a *asm) { returnCode(a, logRuntime) })
	build(tmplBurnInit, func(a *asm) { a.op(vm.ADDRESS, vm.SELFDESTRUCT) })
	return t
}

// universalCode returns the runtime code of the universal contract.
func universalCode() []byte {
	a := newAsm()
	slot := func() { a.push(0x20).op(vm.MLOAD) }
	argA := func() { a.push(0x40).op(vm.MLOAD) }
	argB := func() { a.push(0x60).op(vm.MLOAD) }
	addrMask := new(uint256.Int).Sub(new(uint256.Int).Lsh(uint256.NewInt(1), 160), uint256.NewInt(1))
	slotMask := new(uint256.Int).Sub(new(uint256.Int).Lsh(uint256.NewInt(1), 248), uint256.NewInt(1))
	next := func() { a.jump("loop") }

	// Decode the next command or stop.
	a.label("loop")
	a.push(0).op(vm.MLOAD)                           // ptr
	a.op(vm.CALLDATASIZE, vm.DUP2, vm.LT, vm.ISZERO) // !(ptr < size), ptr
	a.jumpi("end")                                   // ptr
	a.op(vm.DUP1, vm.CALLDATALOAD)                   // w0, ptr
	a.op(vm.DUP1).push(248).op(vm.SHR)               // op, w0, ptr
	a.op(vm.SWAP1).pushWord(slotMask).op(vm.AND)     // slot, op, ptr
	a.push(0x20).op(vm.MSTORE)                       // op, ptr
	a.op(vm.DUP2).push(32).op(vm.ADD, vm.CALLDATALOAD).push(0x40).op(vm.MSTORE)
	a.op(vm.DUP2).push(64).op(vm.ADD, vm.CALLDATALOAD).push(0x60).op(vm.MSTORE)
	a.op(vm.SWAP1).push(96).op(vm.ADD).push(0).op(vm.MSTORE) // op
	for k := range numOps {
		a.op(vm.DUP1).push(uint64(k)).op(vm.EQ).jumpi(opLabel(k))
	}
	a.op(vm.POP)
	next()
	a.label("end")
	a.op(vm.STOP)

	// Handlers: the stack holds the op on entry.
	a.label(opLabel(opStore)).op(vm.POP)
	argA()
	slot()
	a.op(vm.SSTORE)
	next()

	a.label(opLabel(opRestore)).op(vm.POP)
	slot()
	a.op(vm.SLOAD) // t
	argA()
	slot()
	a.op(vm.SSTORE) // t
	slot()
	a.op(vm.SSTORE)
	next()

	a.label(opLabel(opLog)).op(vm.POP)
	slot()
	a.op(vm.SLOAD).push(0xa0).op(vm.MSTORE)
	argA()
	a.push(5).op(vm.SWAP1, vm.MOD) // n
	topics := []func(){slot, argA, argB, func() { a.op(vm.CALLER) }}
	for n := 0; n <= 4; n++ {
		a.op(vm.DUP1).push(uint64(n)).op(vm.EQ).jumpi(logLabel(n))
	}
	a.op(vm.POP)
	next()
	for n := 0; n <= 4; n++ {
		a.label(logLabel(n)).op(vm.POP)
		for i := n - 1; i >= 0; i-- {
			topics[i]()
		}
		a.push(32).push(0xa0).op(vm.LOG0 + vm.OpCode(n))
		next()
	}

	a.label(opLabel(opNoopWrite)).op(vm.POP)
	slot()
	a.op(vm.SLOAD)
	slot()
	a.op(vm.SSTORE)
	next()

	a.label(opLabel(opRevert)).op(vm.POP)
	argA()
	a.push(0xa0).op(vm.MSTORE).push(32).push(0xa0).op(vm.REVERT)

	a.label(opLabel(opBurn)).op(vm.POP)
	a.label("burn")
	a.push(0).op(vm.SLOAD, vm.POP)
	a.jump("burn")

	callPrologue := func() {
		a.push(0).push(0xa0).op(vm.MSTORE)
		argB()
		a.push(0x80).op(vm.MSTORE)
		a.push(32).push(0xa0).push(32).push(0x80) // outSize, outOff, inSize, inOff
	}
	callEpilogue := func() { // success on the stack
		a.push(0xa0).op(vm.MLOAD, vm.ADD)
		slot()
		a.op(vm.SSTORE)
		next()
	}
	a.label(opLabel(opCall)).op(vm.POP)
	callPrologue()
	argA()
	a.push(160).op(vm.SHR) // value
	argA()
	a.pushWord(addrMask).op(vm.AND, vm.GAS, vm.CALL)
	callEpilogue()

	a.label(opLabel(opCallLowGas)).op(vm.POP)
	callPrologue()
	argA()
	a.push(160).op(vm.SHR).pushWord(new(uint256.Int).SetUint64(^uint64(0))).op(vm.AND) // value
	argA()
	a.pushWord(addrMask).op(vm.AND) // address
	argA()
	a.push(224).op(vm.SHR, vm.CALL) // gas
	callEpilogue()

	a.label(opLabel(opCallCode)).op(vm.POP)
	callPrologue()
	argA()
	a.push(160).op(vm.SHR) // value
	argA()
	a.pushWord(addrMask).op(vm.AND, vm.GAS, vm.CALLCODE)
	callEpilogue()

	a.label(opLabel(opMemory)).op(vm.POP)
	argA()
	a.push(0xffff).op(vm.AND).push(0).op(vm.KECCAK256, vm.MSIZE, vm.ADD)
	slot()
	a.op(vm.SSTORE)
	next()

	a.label(opLabel(opDelegateCall)).op(vm.POP)
	callPrologue()
	argA()
	a.op(vm.GAS, vm.DELEGATECALL)
	callEpilogue()

	a.label(opLabel(opStaticCall)).op(vm.POP)
	callPrologue()
	argA()
	a.op(vm.GAS, vm.STATICCALL)
	callEpilogue()

	a.label(opLabel(opBlockhash)).op(vm.POP)
	argA()
	a.op(vm.NUMBER, vm.SUB, vm.BLOCKHASH)
	slot()
	a.op(vm.SSTORE)
	next()

	a.label(opLabel(opSelfdestruct)).op(vm.POP)
	argA()
	a.op(vm.SELFDESTRUCT)

	a.label(opLabel(opExt)).op(vm.POP)
	argA()
	a.op(vm.BALANCE)
	argA()
	a.op(vm.EXTCODEHASH, vm.XOR)
	argA()
	a.op(vm.EXTCODESIZE, vm.XOR, vm.SELFBALANCE, vm.XOR)
	slot()
	a.op(vm.SSTORE)
	next()

	// Creates: copy template b&0xff (mod numTemplates) to 0x100.
	copyTemplate := func() {
		a.push(templateSize)
		argB()
		a.push(0xff).op(vm.AND).push(numTemplates).op(vm.SWAP1, vm.MOD).push(templateSize).op(vm.MUL)
		a.pushLabel("templates").op(vm.ADD)
		a.push(0x100).op(vm.CODECOPY)
	}
	createEpilogue := func() { // address on the stack
		a.op(vm.DUP1)
		slot()
		a.op(vm.SSTORE)
		a.push(0xa0).op(vm.MSTORE)
		a.pushBytes(createdTopic[:]).push(32).push(0xa0).op(vm.LOG1)
		next()
	}
	a.label(opLabel(opCreate2)).op(vm.POP)
	copyTemplate()
	argA()                           // salt
	a.push(templateSize).push(0x100) // size, offset
	argB()
	a.push(8).op(vm.SHR, vm.CREATE2) // value
	createEpilogue()

	a.label(opLabel(opCreate)).op(vm.POP)
	copyTemplate()
	a.push(templateSize).push(0x100)
	argB()
	a.push(8).op(vm.SHR, vm.CREATE)
	createEpilogue()

	a.label(opLabel(opCLZ)).op(vm.POP)
	argA()
	a.op(vm.CLZ)
	slot()
	a.op(vm.SSTORE)
	next()

	a.label(opLabel(opTransient)).op(vm.POP)
	argA()
	slot()
	a.op(vm.TSTORE)
	argB()
	slot()
	a.op(vm.TLOAD, vm.ADD)
	slot()
	a.op(vm.SSTORE)
	next()

	a.label(opLabel(opRead)).op(vm.POP)
	slot()
	a.op(vm.SLOAD).push(0xc0).op(vm.MSTORE)
	next()

	a.mark("templates")
	for _, t := range templates() {
		a.raw(t)
	}
	return a.bytes()
}

func opLabel(k int) string  { return "op" + string(rune('A'+k)) }
func logLabel(n int) string { return "log" + string(rune('0'+n)) }

// deployCode returns initcode that runs a constructor (SSTORE(0, CALLVALUE)
// and SSTORE(1, 1)) and deploys runtime.
func deployCode(runtime []byte) []byte {
	a := newAsm()
	a.op(vm.CALLVALUE).push(0).op(vm.SSTORE)
	a.push(1).push(1).op(vm.SSTORE)
	a.push(uint64(len(runtime))).op(vm.DUP1).pushLabel("rt").push(0).op(vm.CODECOPY)
	a.push(0).op(vm.RETURN)
	a.mark("rt")
	a.raw(runtime)
	return a.bytes()
}

// depositEmitterCode is placed at the chain's deposit contract address: it
// emits the EIP-6110 DepositEvent log with the calldata as data when the
// calldata is 576 bytes long, and LOG0 of the calldata otherwise (a
// deposit-topic log of another length would make the block invalid).
func depositEmitterCode() []byte {
	a := newAsm()
	a.op(vm.CALLDATASIZE).push(0).push(0).op(vm.CALLDATACOPY)
	a.op(vm.CALLDATASIZE).push(576).op(vm.EQ).jumpi("deposit")
	a.op(vm.CALLDATASIZE).push(0).op(vm.LOG0, vm.STOP)
	a.label("deposit")
	a.pushBytes(depositTopic[:]).push(576).push(0).op(vm.LOG1, vm.STOP)
	return a.bytes()
}

// depositTopic is keccak256("DepositEvent(bytes,bytes,bytes,bytes,bytes)").
var depositTopic = crypto.Keccak256Hash([]byte("DepositEvent(bytes,bytes,bytes,bytes,bytes)"))

// delegation returns the EIP-7702 delegation designator of target.
func delegation(target common.Address) []byte {
	return append([]byte{0xef, 0x01, 0x00}, target.Bytes()...)
}

// create2Address is the address CREATE2 gives for a template.
func create2Address(creator common.Address, salt uint64, template []byte) common.Address {
	var s [32]byte
	uint256.NewInt(salt).WriteToArray32(&s)
	return crypto.CreateAddress2(creator, s, crypto.Keccak256(template))
}

// command encodes one universal-contract command on the slot numbered slot
// (see slotKey).
func command(op byte, slot uint64, a, b *uint256.Int) []byte {
	out := make([]byte, 0, 96)
	w0 := slotKey(slot)
	w0[0] = op
	out = append(out, w0[:]...)
	for _, w := range []*uint256.Int{a, b} {
		var word [32]byte
		if w != nil {
			word = w.Bytes32()
		}
		out = append(out, word[:]...)
	}
	return out
}
