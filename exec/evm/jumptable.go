package evm

import "fmt"

// tables holds one jump table per fork (Amsterdam's under go-ethereum's
// rules), built and validated once at package initialisation and never
// modified afterwards.
var tables = func() (t [numForks]jumpTable) {
	t[Shanghai] = newShanghaiTable()
	t[Cancun] = newCancunTable(t[Shanghai])
	t[Prague] = t[Cancun] // EIP-7702 is a rule switch inside the call gas function
	t[Osaka] = newOsakaTable(t[Prague])
	t[Amsterdam] = withSpec(t[Osaka], amsterdamGethSpec)
	for f := range t {
		validateTable(Fork(f), &t[f])
	}
	return t
}()

// tableSpec is what a jump table depends on: the fork whose opcodes it
// starts from (Osaka at most: the Amsterdam changes are switches), the
// opcodes Amsterdam EIPs add, and CREATE's constant gas (the gas schedule's;
// the other prices are read from the EVM's schedule when an opcode runs).
type tableSpec struct {
	base             Fork
	eip7843, eip8024 bool
	create           uint64
}

// The specs of Amsterdam under go-ethereum's rules and under
// tests-bal@v5.7.0's.
var (
	amsterdamGethSpec    = tableSpec{Osaka, true, true, amsterdamGethGas.create}
	amsterdamBalV570Spec = tableSpec{Osaka, true, true, balV570Gas.create}
)

// specOf returns the table spec of r.
func specOf(r *Rules) tableSpec {
	return tableSpec{min(r.Fork(), Osaka), r.EIP7843, r.EIP8024, r.schedule().create}
}

// sharedEntry is a table built once, with its spec.
type sharedEntry struct {
	spec  tableSpec
	table *jumpTable
}

// sharedTables are the tables built once: each fork's, and Amsterdam's
// under the tests-bal@v5.7.0 gas schedule. Read-only.
var sharedTables = func() []sharedEntry {
	out := make([]sharedEntry, 0, numForks+1)
	for f := Shanghai; f < Amsterdam; f++ {
		out = append(out, sharedEntry{tableSpec{f, false, false, berlinGas.create}, &tables[f]})
	}
	out = append(out, sharedEntry{amsterdamGethSpec, &tables[Amsterdam]})
	balV570 := new(jumpTable)
	*balV570 = withSpec(tables[Osaka], amsterdamBalV570Spec)
	validateTable(Amsterdam, balV570)
	return append(out, sharedEntry{amsterdamBalV570Spec, balV570})
}()

// withSpec returns t, the table of spec's base fork, with the opcodes of
// spec's switches added and CREATE's constant gas set.
func withSpec(t jumpTable, spec tableSpec) jumpTable {
	if spec.eip7843 {
		enable7843(&t)
	}
	if spec.eip8024 {
		enable8024(&t)
	}
	t[opCREATE].constGas = spec.create
	t[opCREATE2].constGas = spec.create
	return t
}

// sharedTable returns the shared table of r's spec, or nil.
func (r *Rules) sharedTable() *jumpTable {
	spec := specOf(r)
	for i := range sharedTables {
		if sharedTables[i].spec == spec {
			return sharedTables[i].table
		}
	}
	return nil
}

// validateTable panics on a malformed table: a programmer error.
func validateTable(fork Fork, t *jumpTable) {
	for i := range t {
		o := &t[i]
		if o.exec == nil {
			panic(fmt.Sprintf("evm: %s table: opcode 0x%02x has no implementation", fork, i))
		}
		if o.memSize != nil && o.dynGas == nil {
			panic(fmt.Sprintf("evm: %s table: %v touches memory without a gas function", fork, OpCode(i)))
		}
		if o.minStack < 0 || o.minStack > StackLimit || o.maxStack < 0 || o.maxStack > StackLimit+o.minStack {
			panic(fmt.Sprintf("evm: %s table: %v has bad stack bounds", fork, OpCode(i)))
		}
	}
}

// stackBounds returns the minimum stack size an opcode that pops pops and
// pushes pushes needs, and the largest stack size before it that does not
// overflow.
func stackBounds(pops, pushes int) (minStack, maxStack int) {
	return pops, StackLimit + pops - pushes
}

// op builds an operation with a constant cost.
func op(exec execFunc, constGas uint64, pops, pushes int) operation {
	lo, hi := stackBounds(pops, pushes)
	return operation{exec: exec, constGas: constGas, minStack: lo, maxStack: hi}
}

// opDyn builds an operation with a dynamic cost and, when memSize is not
// nil, a memory expansion.
func opDyn(exec execFunc, constGas uint64, dyn gasFunc, memSize memSizeFunc, pops, pushes int) operation {
	o := op(exec, constGas, pops, pushes)
	o.dynGas = dyn
	o.memSize = memSize
	return o
}

// newShanghaiTable builds the Shanghai instruction set: every opcode up to
// Paris with the Berlin (EIP-2929) and London (EIP-3529) prices, plus PUSH0
// (EIP-3855) and metered initcode (EIP-3860).
func newShanghaiTable() jumpTable {
	var t jumpTable
	for i := range t {
		t[i] = op(opUndefined, 0, 0, 0)
	}
	t[opSTOP] = op(opStop, 0, 0, 0)
	t[opADD] = op(opAdd, gasFastest, 2, 1)
	t[opMUL] = op(opMul, gasFast, 2, 1)
	t[opSUB] = op(opSub, gasFastest, 2, 1)
	t[opDIV] = op(opDiv, gasFast, 2, 1)
	t[opSDIV] = op(opSdiv, gasFast, 2, 1)
	t[opMOD] = op(opMod, gasFast, 2, 1)
	t[opSMOD] = op(opSmod, gasFast, 2, 1)
	t[opADDMOD] = op(opAddmod, gasMid, 3, 1)
	t[opMULMOD] = op(opMulmod, gasMid, 3, 1)
	t[opEXP] = opDyn(opExp, 0, dynExp, nil, 2, 1)
	t[opSIGNEXTEND] = op(opSignExtend, gasFast, 2, 1)

	t[opLT] = op(opLt, gasFastest, 2, 1)
	t[opGT] = op(opGt, gasFastest, 2, 1)
	t[opSLT] = op(opSlt, gasFastest, 2, 1)
	t[opSGT] = op(opSgt, gasFastest, 2, 1)
	t[opEQ] = op(opEq, gasFastest, 2, 1)
	t[opISZERO] = op(opIszero, gasFastest, 1, 1)
	t[opAND] = op(opAnd, gasFastest, 2, 1)
	t[opOR] = op(opOr, gasFastest, 2, 1)
	t[opXOR] = op(opXor, gasFastest, 2, 1)
	t[opNOT] = op(opNot, gasFastest, 1, 1)
	t[opBYTE] = op(opByte, gasFastest, 2, 1)
	t[opSHL] = op(opShl, gasFastest, 2, 1)
	t[opSHR] = op(opShr, gasFastest, 2, 1)
	t[opSAR] = op(opSar, gasFastest, 2, 1)

	t[opKECCAK256] = opDyn(opKeccak256, gasKeccak, gasKeccak256, memKeccak256, 2, 1)

	t[opADDRESS] = op(opAddress, gasQuick, 0, 1)
	t[opBALANCE] = opDyn(opBalance, gasWarmRead, gasAccountCheck, nil, 1, 1)
	t[opORIGIN] = op(opOrigin, gasQuick, 0, 1)
	t[opCALLER] = op(opCaller, gasQuick, 0, 1)
	t[opCALLVALUE] = op(opCallValue, gasQuick, 0, 1)
	t[opCALLDATALOAD] = op(opCallDataLoad, gasFastest, 1, 1)
	t[opCALLDATASIZE] = op(opCallDataSize, gasQuick, 0, 1)
	t[opCALLDATACOPY] = opDyn(opCallDataCopy, gasFastest, gasCopy, memCopy3, 3, 0)
	t[opCODESIZE] = op(opCodeSize, gasQuick, 0, 1)
	t[opCODECOPY] = opDyn(opCodeCopy, gasFastest, gasCopy, memCopy3, 3, 0)
	t[opGASPRICE] = op(opGasPrice, gasQuick, 0, 1)
	t[opEXTCODESIZE] = opDyn(opExtCodeSize, gasWarmRead, gasExtCodeSize, nil, 1, 1)
	t[opEXTCODECOPY] = opDyn(opExtCodeCopy, gasWarmRead, gasExtCodeCopy, memExtCodeCopy, 4, 0)
	t[opRETURNDATASIZE] = op(opReturnDataSize, gasQuick, 0, 1)
	t[opRETURNDATACOPY] = opDyn(opReturnDataCopy, gasFastest, gasCopy, memCopy3, 3, 0)
	t[opEXTCODEHASH] = opDyn(opExtCodeHash, gasWarmRead, gasAccountCheck, nil, 1, 1)

	t[opBLOCKHASH] = op(opBlockhash, gasExt, 1, 1)
	t[opCOINBASE] = op(opCoinbase, gasQuick, 0, 1)
	t[opTIMESTAMP] = op(opTimestamp, gasQuick, 0, 1)
	t[opNUMBER] = op(opNumber, gasQuick, 0, 1)
	t[opPREVRANDAO] = op(opPrevRandao, gasQuick, 0, 1)
	t[opGASLIMIT] = op(opGasLimit, gasQuick, 0, 1)
	t[opCHAINID] = op(opChainID, gasQuick, 0, 1)
	t[opSELFBALANCE] = op(opSelfBalance, gasSelfBalance, 0, 1)
	t[opBASEFEE] = op(opBaseFee, gasQuick, 0, 1)

	t[opPOP] = op(opPop, gasQuick, 1, 0)
	t[opMLOAD] = opDyn(opMload, gasFastest, gasMemory, memMload, 1, 1)
	t[opMSTORE] = opDyn(opMstore, gasFastest, gasMemory, memMload, 2, 0)
	t[opMSTORE8] = opDyn(opMstore8, gasFastest, gasMemory, memMstore8, 2, 0)
	t[opSLOAD] = opDyn(opSload, 0, gasSload, nil, 1, 1)
	t[opSSTORE] = opDyn(opSstore, 0, gasSstore, nil, 2, 0)
	t[opJUMP] = op(opJump, gasMid, 1, 0)
	t[opJUMPI] = op(opJumpi, gasSlow, 2, 0)
	t[opPC] = op(opPc, gasQuick, 0, 1)
	t[opMSIZE] = op(opMsize, gasQuick, 0, 1)
	t[opGAS] = op(opGas, gasQuick, 0, 1)
	t[opJUMPDEST] = op(opJumpdest, gasJumpdest, 0, 0)
	t[opPUSH0] = op(opPush0, gasQuick, 0, 1)
	t[opPUSH1] = op(opPush1, gasFastest, 0, 1)
	t[opPUSH1+1] = op(opPush2, gasFastest, 0, 1)
	for n := 3; n <= 32; n++ {
		t[opPUSH1+n-1] = op(makePush(n), gasFastest, 0, 1)
	}
	for n := 1; n <= 16; n++ {
		t[opDUP1+n-1] = op(makeDup(n), gasFastest, n, n+1)
		t[opSWAP1+n-1] = op(makeSwap(n), gasFastest, n+1, n+1)
	}
	for n := 0; n <= 4; n++ {
		t[opLOG0+n] = opDyn(makeLog(n), 0, makeGasLog(uint64(n)), memOffLen, n+2, 0)
	}

	t[opCREATE] = opDyn(opCreate, gasCreate, dynCreate, memCreate, 3, 1)
	t[opCALL] = opDyn(opCall, gasWarmRead, makeGasCall(kindCall), memCall, 7, 1)
	t[opCALLCODE] = opDyn(opCallCode, gasWarmRead, makeGasCall(kindCallCode), memCall, 7, 1)
	t[opRETURN] = opDyn(opReturn, 0, gasMemory, memOffLen, 2, 0)
	t[opDELEGATECALL] = opDyn(opDelegateCall, gasWarmRead, makeGasCall(kindDelegateCall), memStaticCall, 6, 1)
	t[opCREATE2] = opDyn(opCreate2, gasCreate, dynCreate2, memCreate, 4, 1)
	t[opSTATICCALL] = opDyn(opStaticCall, gasWarmRead, makeGasCall(kindStaticCall), memStaticCall, 6, 1)
	t[opREVERT] = opDyn(opRevert, 0, gasMemory, memOffLen, 2, 0)
	t[opINVALID] = op(opUndefined, 0, 0, 0)
	t[opSELFDESTRUCT] = opDyn(opSelfdestruct, gasSelfdestruct, dynSelfdestruct, nil, 1, 0)
	return t
}

// newCancunTable adds BLOBHASH (EIP-4844), BLOBBASEFEE (EIP-7516),
// TLOAD/TSTORE (EIP-1153) and MCOPY (EIP-5656), and restricts SELFDESTRUCT
// (EIP-6780).
func newCancunTable(t jumpTable) jumpTable {
	t[opBLOBHASH] = op(opBlobHash, gasFastest, 1, 1)
	t[opBLOBBASEFEE] = op(opBlobBaseFee, gasQuick, 0, 1)
	t[opTLOAD] = op(opTload, gasWarmRead, 1, 1)
	t[opTSTORE] = op(opTstore, gasWarmRead, 2, 0)
	t[opMCOPY] = opDyn(opMcopy, gasFastest, gasCopy, memMcopy, 3, 0)
	t[opSELFDESTRUCT].exec = opSelfdestruct6780
	return t
}

// newOsakaTable adds CLZ (EIP-7939).
func newOsakaTable(t jumpTable) jumpTable {
	t[opCLZ] = op(opClz, gasFast, 1, 1)
	return t
}

// tableFor returns the jump table of rules: a shared one, or for a mix of
// a fork and single Amsterdam EIPs a private table built and validated here.
// REQUIRES: rules are valid.
func tableFor(rules *Rules) *jumpTable {
	if t := rules.sharedTable(); t != nil {
		return t
	}
	spec := specOf(rules)
	t := new(jumpTable)
	*t = withSpec(tables[spec.base], spec)
	validateTable(rules.Fork(), t)
	return t
}

// enable7843 adds SLOTNUM.
func enable7843(t *jumpTable) {
	t[opSLOTNUM] = op(opSlotNum, gasQuick, 0, 1)
}

// enable8024 adds DUPN, SWAPN and EXCHANGE. Their stack bounds here are the
// static minimum (one item for DUPN, two for the swaps); the depth their
// immediate names is checked when they run.
func enable8024(t *jumpTable) {
	t[opDUPN] = op(opDupN, gasFastest, 1, 2)
	t[opSWAPN] = op(opSwapN, gasFastest, 2, 2)
	t[opEXCHANGE] = op(opExchange, gasFastest, 2, 2)
}
