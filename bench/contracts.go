package bench

import (
	"embed"
	"fmt"

	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The contracts of the workloads are kept as assembly (contracts/*.asm,
// see contracts/README.md) and assembled by evm.Assemble when a workload is
// generated.
//
//go:embed contracts/*.asm
var contractSources embed.FS

// assemble returns the code of contracts/<name>.asm.
func assemble(name string) ([]byte, error) {
	src, err := contractSources.ReadFile("contracts/" + name + ".asm")
	if err != nil {
		return nil, fmt.Errorf("%w: contract %s: %w", ErrGenerate, name, err)
	}
	code, err := evm.Assemble(string(src))
	if err != nil {
		return nil, fmt.Errorf("%w: contract %s: %w", ErrGenerate, name, err)
	}
	return code, nil
}

// Selectors of the functions the workloads call.
var (
	selTransfer = [4]byte{0xa9, 0x05, 0x9c, 0xbb} // erc20.asm transfer(address,uint256)
	selSwap     = [4]byte{0xc0, 0x37, 0x64, 0x6a} // pool.asm swap(bool,uint256)
	selMint     = [4]byte{0x12, 0x49, 0xc5, 0x8b} // nft.asm mint()
)

// mappingSlot returns the storage key of key in a Solidity-layout mapping
// at slot: keccak256(key . slot), both as 32-byte words.
func mappingSlot(key uint256.Int, slot uint64) uint256.Int {
	return mappingSlotWord(key, *uint256.NewInt(slot))
}

// mappingSlotWord is mappingSlot for a mapping at a full-word slot (the
// inner mapping of a nested one).
func mappingSlotWord(key, slot uint256.Int) uint256.Int {
	var buf [64]byte
	key.WriteToSlice(buf[:32])
	slot.WriteToSlice(buf[32:])
	h := types.Keccak256One(buf[:])
	var out uint256.Int
	out.SetBytes32(h[:])
	return out
}

// addrWord returns an address as a 32-byte word.
func addrWord(a types.Address) uint256.Int {
	var w uint256.Int
	w.SetBytes20(a[:])
	return w
}

// tokenBalanceSlot returns the slot of holder's balance in erc20.asm.
func tokenBalanceSlot(holder types.Address) uint256.Int { return mappingSlot(addrWord(holder), 0) }

// tokenAllowanceSlot returns the slot of allowances[owner][spender] in
// erc20.asm.
func tokenAllowanceSlot(owner, spender types.Address) uint256.Int {
	return mappingSlotWord(addrWord(spender), mappingSlot(addrWord(owner), 1))
}

// calldata returns a selector followed by words (nil selector: none).
func calldata(sel *[4]byte, words ...uint256.Int) []byte {
	n := 32 * len(words)
	if sel != nil {
		n += 4
	}
	out := make([]byte, 0, n)
	if sel != nil {
		out = append(out, sel[:]...)
	}
	for i := range words {
		b := words[i].Bytes32()
		out = append(out, b[:]...)
	}
	return out
}
