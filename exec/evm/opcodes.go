package evm

import "fmt"

// OpCode is an EVM instruction byte.
type OpCode byte

// The opcodes of Amsterdam.
const (
	opSTOP       = 0x00
	opADD        = 0x01
	opMUL        = 0x02
	opSUB        = 0x03
	opDIV        = 0x04
	opSDIV       = 0x05
	opMOD        = 0x06
	opSMOD       = 0x07
	opADDMOD     = 0x08
	opMULMOD     = 0x09
	opEXP        = 0x0a
	opSIGNEXTEND = 0x0b

	opLT     = 0x10
	opGT     = 0x11
	opSLT    = 0x12
	opSGT    = 0x13
	opEQ     = 0x14
	opISZERO = 0x15
	opAND    = 0x16
	opOR     = 0x17
	opXOR    = 0x18
	opNOT    = 0x19
	opBYTE   = 0x1a
	opSHL    = 0x1b
	opSHR    = 0x1c
	opSAR    = 0x1d
	opCLZ    = 0x1e

	opKECCAK256 = 0x20

	opADDRESS        = 0x30
	opBALANCE        = 0x31
	opORIGIN         = 0x32
	opCALLER         = 0x33
	opCALLVALUE      = 0x34
	opCALLDATALOAD   = 0x35
	opCALLDATASIZE   = 0x36
	opCALLDATACOPY   = 0x37
	opCODESIZE       = 0x38
	opCODECOPY       = 0x39
	opGASPRICE       = 0x3a
	opEXTCODESIZE    = 0x3b
	opEXTCODECOPY    = 0x3c
	opRETURNDATASIZE = 0x3d
	opRETURNDATACOPY = 0x3e
	opEXTCODEHASH    = 0x3f

	opBLOCKHASH   = 0x40
	opCOINBASE    = 0x41
	opTIMESTAMP   = 0x42
	opNUMBER      = 0x43
	opPREVRANDAO  = 0x44
	opGASLIMIT    = 0x45
	opCHAINID     = 0x46
	opSELFBALANCE = 0x47
	opBASEFEE     = 0x48
	opBLOBHASH    = 0x49
	opBLOBBASEFEE = 0x4a
	opSLOTNUM     = 0x4b

	opPOP      = 0x50
	opMLOAD    = 0x51
	opMSTORE   = 0x52
	opMSTORE8  = 0x53
	opSLOAD    = 0x54
	opSSTORE   = 0x55
	opJUMP     = 0x56
	opJUMPI    = 0x57
	opPC       = 0x58
	opMSIZE    = 0x59
	opGAS      = 0x5a
	opJUMPDEST = 0x5b
	opTLOAD    = 0x5c
	opTSTORE   = 0x5d
	opMCOPY    = 0x5e
	opPUSH0    = 0x5f
	opPUSH1    = 0x60
	opPUSH32   = 0x7f
	opDUP1     = 0x80
	opDUP16    = 0x8f
	opSWAP1    = 0x90
	opSWAP16   = 0x9f
	opLOG0     = 0xa0
	opLOG4     = 0xa4
	opDUPN     = 0xe6
	opSWAPN    = 0xe7
	opEXCHANGE = 0xe8

	opCREATE       = 0xf0
	opCALL         = 0xf1
	opCALLCODE     = 0xf2
	opRETURN       = 0xf3
	opDELEGATECALL = 0xf4
	opCREATE2      = 0xf5
	opSTATICCALL   = 0xfa
	opREVERT       = 0xfd
	opINVALID      = 0xfe
	opSELFDESTRUCT = 0xff
)

var opNames = func() (n [256]string) {
	for name, op := range map[string]byte{
		"STOP": opSTOP, "ADD": opADD, "MUL": opMUL, "SUB": opSUB, "DIV": opDIV, "SDIV": opSDIV,
		"MOD": opMOD, "SMOD": opSMOD, "ADDMOD": opADDMOD, "MULMOD": opMULMOD, "EXP": opEXP,
		"SIGNEXTEND": opSIGNEXTEND, "LT": opLT, "GT": opGT, "SLT": opSLT, "SGT": opSGT, "EQ": opEQ,
		"ISZERO": opISZERO, "AND": opAND, "OR": opOR, "XOR": opXOR, "NOT": opNOT, "BYTE": opBYTE,
		"SHL": opSHL, "SHR": opSHR, "SAR": opSAR, "CLZ": opCLZ, "KECCAK256": opKECCAK256,
		"ADDRESS": opADDRESS, "BALANCE": opBALANCE, "ORIGIN": opORIGIN, "CALLER": opCALLER,
		"CALLVALUE": opCALLVALUE, "CALLDATALOAD": opCALLDATALOAD, "CALLDATASIZE": opCALLDATASIZE,
		"CALLDATACOPY": opCALLDATACOPY, "CODESIZE": opCODESIZE, "CODECOPY": opCODECOPY,
		"GASPRICE": opGASPRICE, "EXTCODESIZE": opEXTCODESIZE, "EXTCODECOPY": opEXTCODECOPY,
		"RETURNDATASIZE": opRETURNDATASIZE, "RETURNDATACOPY": opRETURNDATACOPY,
		"EXTCODEHASH": opEXTCODEHASH, "BLOCKHASH": opBLOCKHASH, "COINBASE": opCOINBASE,
		"TIMESTAMP": opTIMESTAMP, "NUMBER": opNUMBER, "PREVRANDAO": opPREVRANDAO,
		"GASLIMIT": opGASLIMIT, "CHAINID": opCHAINID, "SELFBALANCE": opSELFBALANCE,
		"BASEFEE": opBASEFEE, "BLOBHASH": opBLOBHASH, "BLOBBASEFEE": opBLOBBASEFEE,
		"POP": opPOP, "MLOAD": opMLOAD, "MSTORE": opMSTORE, "MSTORE8": opMSTORE8, "SLOAD": opSLOAD,
		"SSTORE": opSSTORE, "JUMP": opJUMP, "JUMPI": opJUMPI, "PC": opPC, "MSIZE": opMSIZE,
		"GAS": opGAS, "JUMPDEST": opJUMPDEST, "TLOAD": opTLOAD, "TSTORE": opTSTORE, "MCOPY": opMCOPY,
		"PUSH0": opPUSH0, "CREATE": opCREATE, "CALL": opCALL, "CALLCODE": opCALLCODE,
		"RETURN": opRETURN, "DELEGATECALL": opDELEGATECALL, "CREATE2": opCREATE2,
		"STATICCALL": opSTATICCALL, "REVERT": opREVERT, "INVALID": opINVALID,
		"SELFDESTRUCT": opSELFDESTRUCT, "SLOTNUM": opSLOTNUM, "DUPN": opDUPN, "SWAPN": opSWAPN,
		"EXCHANGE": opEXCHANGE,
	} {
		n[op] = name
	}
	for i := 0; i < 32; i++ {
		n[opPUSH1+i] = fmt.Sprintf("PUSH%d", i+1)
	}
	for i := 0; i < 16; i++ {
		n[opDUP1+i] = fmt.Sprintf("DUP%d", i+1)
		n[opSWAP1+i] = fmt.Sprintf("SWAP%d", i+1)
	}
	for i := 0; i <= 4; i++ {
		n[opLOG0+i] = fmt.Sprintf("LOG%d", i)
	}
	return n
}()

var opByName = func() map[string]OpCode {
	m := make(map[string]OpCode)
	for i, name := range opNames {
		if name != "" {
			m[name] = OpCode(i)
		}
	}
	return m
}()

// String returns the opcode's mnemonic, or a hex form for an undefined byte.
func (op OpCode) String() string {
	if s := opNames[op]; s != "" {
		return s
	}
	return fmt.Sprintf("opcode 0x%02x", byte(op))
}

// OpCodeByName returns the opcode with the given mnemonic (as printed by
// String, e.g. "PUSH1", "KECCAK256").
func OpCodeByName(name string) (OpCode, bool) {
	op, ok := opByName[name]
	return op, ok
}

// PushSize returns the number of immediate bytes of op (1..32 for
// PUSH1..PUSH32, 0 otherwise). The one-byte immediates of DUPN, SWAPN and
// EXCHANGE (EIP-8024) are not counted: JUMPDEST analysis does not skip them.
func (op OpCode) PushSize() int {
	if op >= opPUSH1 && op <= opPUSH32 {
		return int(op) - opPUSH1 + 1
	}
	return 0
}
