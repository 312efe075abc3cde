package precompile

import (
	"encoding/binary"
	"slices"

	"github.com/balexec/balexec/types"
)

// Contract is one precompiled contract. Implementations are stateless and safe
// for concurrent use.
type Contract interface {
	// Gas returns the cost of running the contract on input. It never panics
	// and never overflows silently: absurd inputs saturate at
	// math.MaxUint64.
	Gas(input []byte) uint64
	// Run executes the contract. A returned error means the call fails and
	// consumes all gas given to it. The returned slice is owned by the
	// caller; input is never modified or retained.
	//
	// REQUIRES: the caller has charged Gas(input) first. Run's time and
	// memory are bounded by that gas, not by len(input).
	Run(input []byte) ([]byte, error)
	// Name is the contract's conventional name (go-ethereum's), for tracing.
	Name() string
}

// Addresses of the precompiled contracts.
var (
	AddrEcrecover     = lowAddress(0x01)
	AddrSHA256        = lowAddress(0x02)
	AddrRIPEMD160     = lowAddress(0x03)
	AddrIdentity      = lowAddress(0x04)
	AddrModexp        = lowAddress(0x05)
	AddrBN254Add      = lowAddress(0x06)
	AddrBN254Mul      = lowAddress(0x07)
	AddrBN254Pairing  = lowAddress(0x08)
	AddrBlake2F       = lowAddress(0x09)
	AddrPointEval     = lowAddress(0x0a)
	AddrBLSG1Add      = lowAddress(0x0b)
	AddrBLSG1MSM      = lowAddress(0x0c)
	AddrBLSG2Add      = lowAddress(0x0d)
	AddrBLSG2MSM      = lowAddress(0x0e)
	AddrBLSPairing    = lowAddress(0x0f)
	AddrBLSMapFpToG1  = lowAddress(0x10)
	AddrBLSMapFp2ToG2 = lowAddress(0x11)
	AddrP256Verify    = types.Address{18: 0x01, 19: 0x00}
)

// p256Tail is the last two bytes of AddrP256Verify, big-endian.
const p256Tail = 0x0100

// numLow is the size of the array indexed by the last address byte: the
// contiguous block 0x01..0x11 (index 0 stays empty).
const numLow = 0x12

func lowAddress(b byte) types.Address { return types.Address{19: b} }

// Set is the immutable set of precompiled contracts active in one fork. It is
// safe for concurrent use. Obtain one from a fork function such as [Osaka];
// the zero Set is empty.
type Set struct {
	low   [numLow]Contract // by last address byte, for 0x00..0x11
	p256  Contract         // at 0x100, or nil
	addrs []types.Address  // sorted
}

// Get returns the contract at addr, if the set has one. It does not allocate:
// two word loads decide whether addr can be a precompile at all, then an
// array index (0x01..0x11) or one comparison (0x100) finds it.
func (s *Set) Get(addr types.Address) (Contract, bool) {
	// The first 18 bytes must be zero for any precompile address.
	if binary.LittleEndian.Uint64(addr[0:8])|binary.LittleEndian.Uint64(addr[8:16])|
		uint64(binary.LittleEndian.Uint16(addr[16:18])) != 0 {
		return nil, false
	}
	tail := binary.BigEndian.Uint16(addr[18:20])
	if tail < numLow {
		c := s.low[tail]
		return c, c != nil
	}
	if tail == p256Tail && s.p256 != nil {
		return s.p256, true
	}
	return nil, false
}

// AppendAddresses appends the addresses of s, in ascending order, to dst.
func (s *Set) AppendAddresses(dst []types.Address) []types.Address {
	return append(dst, s.addrs...)
}

// Addresses returns the addresses of s in ascending order, in a new slice
// owned by the caller (for warming the access list).
func (s *Set) Addresses() []types.Address { return s.AppendAddresses(nil) }

// newSet builds a Set from addr→contract pairs. It panics on an address that
// is not a precompile slot or on a duplicate: both are table bugs.
func newSet(entries map[types.Address]Contract) *Set {
	s := new(Set)
	for a, c := range entries {
		if c == nil {
			panic("precompile: nil contract in set table")
		}
		switch {
		case a == AddrP256Verify:
			s.p256 = c
		case a[19] != 0 && a[19] < numLow && a == lowAddress(a[19]):
			s.low[a[19]] = c
		default:
			panic("precompile: address " + a.Hex() + " is not a precompile slot")
		}
		s.addrs = append(s.addrs, a)
	}
	slices.SortFunc(s.addrs, func(x, y types.Address) int { return x.Compare(&y) })
	return s
}

// The contracts, one value per pricing variant. They are stateless, so the
// sets share them.
var (
	cEcrecover = ecrecover{}
	cSHA256    = sha256Hash{}
	cRIPEMD160 = ripemd160Hash{}
	cIdentity  = identity{}

	cModexpByzantium = &modexp{pricing: pricingEIP198}
	cModexpBerlin    = &modexp{pricing: pricingEIP2565}
	cModexpOsaka     = &modexp{pricing: pricingEIP7883, lengthLimit: true}

	cBN254AddByzantium     = bn254Add{gas: 500}
	cBN254AddIstanbul      = bn254Add{gas: 150}
	cBN254MulByzantium     = bn254Mul{gas: 40000}
	cBN254MulIstanbul      = bn254Mul{gas: 6000}
	cBN254PairingByzantium = bn254Pairing{base: 100000, perPair: 80000}
	cBN254PairingIstanbul  = bn254Pairing{base: 45000, perPair: 34000}

	cBlake2F    = blake2F{}
	cPointEval  = pointEvaluation{}
	cBLSG1Add   = blsG1Add{}
	cBLSG1MSM   = blsG1MSM{}
	cBLSG2Add   = blsG2Add{}
	cBLSG2MSM   = blsG2MSM{}
	cBLSPairing = blsPairing{}
	cBLSMapG1   = blsMapG1{}
	cBLSMapG2   = blsMapG2{}
	cP256Verify = p256Verify{}
)

// The fork sets. Each is built once at package initialisation and never
// modified afterwards.
var (
	setHomestead = newSet(map[types.Address]Contract{
		AddrEcrecover: cEcrecover, AddrSHA256: cSHA256, AddrRIPEMD160: cRIPEMD160, AddrIdentity: cIdentity,
	})
	setByzantium = newSet(map[types.Address]Contract{
		AddrEcrecover: cEcrecover, AddrSHA256: cSHA256, AddrRIPEMD160: cRIPEMD160, AddrIdentity: cIdentity,
		AddrModexp:   cModexpByzantium,
		AddrBN254Add: cBN254AddByzantium, AddrBN254Mul: cBN254MulByzantium, AddrBN254Pairing: cBN254PairingByzantium,
	})
	setIstanbul = newSet(map[types.Address]Contract{
		AddrEcrecover: cEcrecover, AddrSHA256: cSHA256, AddrRIPEMD160: cRIPEMD160, AddrIdentity: cIdentity,
		AddrModexp:   cModexpByzantium,
		AddrBN254Add: cBN254AddIstanbul, AddrBN254Mul: cBN254MulIstanbul, AddrBN254Pairing: cBN254PairingIstanbul,
		AddrBlake2F: cBlake2F,
	})
	setBerlin = newSet(map[types.Address]Contract{
		AddrEcrecover: cEcrecover, AddrSHA256: cSHA256, AddrRIPEMD160: cRIPEMD160, AddrIdentity: cIdentity,
		AddrModexp:   cModexpBerlin,
		AddrBN254Add: cBN254AddIstanbul, AddrBN254Mul: cBN254MulIstanbul, AddrBN254Pairing: cBN254PairingIstanbul,
		AddrBlake2F: cBlake2F,
	})
	setCancun = newSet(map[types.Address]Contract{
		AddrEcrecover: cEcrecover, AddrSHA256: cSHA256, AddrRIPEMD160: cRIPEMD160, AddrIdentity: cIdentity,
		AddrModexp:   cModexpBerlin,
		AddrBN254Add: cBN254AddIstanbul, AddrBN254Mul: cBN254MulIstanbul, AddrBN254Pairing: cBN254PairingIstanbul,
		AddrBlake2F: cBlake2F, AddrPointEval: cPointEval,
	})
	setPrague = newSet(map[types.Address]Contract{
		AddrEcrecover: cEcrecover, AddrSHA256: cSHA256, AddrRIPEMD160: cRIPEMD160, AddrIdentity: cIdentity,
		AddrModexp:   cModexpBerlin,
		AddrBN254Add: cBN254AddIstanbul, AddrBN254Mul: cBN254MulIstanbul, AddrBN254Pairing: cBN254PairingIstanbul,
		AddrBlake2F: cBlake2F, AddrPointEval: cPointEval,
		AddrBLSG1Add: cBLSG1Add, AddrBLSG1MSM: cBLSG1MSM, AddrBLSG2Add: cBLSG2Add, AddrBLSG2MSM: cBLSG2MSM,
		AddrBLSPairing: cBLSPairing, AddrBLSMapFpToG1: cBLSMapG1, AddrBLSMapFp2ToG2: cBLSMapG2,
	})
	setOsaka = newSet(map[types.Address]Contract{
		AddrEcrecover: cEcrecover, AddrSHA256: cSHA256, AddrRIPEMD160: cRIPEMD160, AddrIdentity: cIdentity,
		AddrModexp:   cModexpOsaka,
		AddrBN254Add: cBN254AddIstanbul, AddrBN254Mul: cBN254MulIstanbul, AddrBN254Pairing: cBN254PairingIstanbul,
		AddrBlake2F: cBlake2F, AddrPointEval: cPointEval,
		AddrBLSG1Add: cBLSG1Add, AddrBLSG1MSM: cBLSG1MSM, AddrBLSG2Add: cBLSG2Add, AddrBLSG2MSM: cBLSG2MSM,
		AddrBLSPairing: cBLSPairing, AddrBLSMapFpToG1: cBLSMapG1, AddrBLSMapFp2ToG2: cBLSMapG2,
		AddrP256Verify: cP256Verify,
	})
)

// Homestead returns the Frontier/Homestead set: 0x01-0x04.
func Homestead() *Set { return setHomestead }

// Byzantium returns the Byzantium/Constantinople/Petersburg set: adds MODEXP
// (EIP-198 pricing) and BN254 add, mul and pairing at their EIP-196/197 prices.
func Byzantium() *Set { return setByzantium }

// Istanbul returns the Istanbul set: BN254 repriced by EIP-1108, adds BLAKE2F
// (EIP-152).
func Istanbul() *Set { return setIstanbul }

// Berlin returns the Berlin/London/Paris/Shanghai set: 0x01-0x09, with MODEXP
// priced by EIP-2565.
func Berlin() *Set { return setBerlin }

// Cancun returns the Cancun set: Berlin's plus KZG point evaluation at 0x0a
// (EIP-4844).
func Cancun() *Set { return setCancun }

// Prague returns the Prague set: Cancun's plus the seven BLS12-381 contracts
// at 0x0b-0x11 (EIP-2537).
func Prague() *Set { return setPrague }

// Osaka returns the Osaka set: Prague's with MODEXP limited by EIP-7823 and
// priced by EIP-7883, plus P256VERIFY at 0x100 (EIP-7951).
func Osaka() *Set { return setOsaka }
