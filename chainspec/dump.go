package chainspec

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Dump is a go-ethereum state dump (`geth dump`, debug_dumpBlock): the state
// root and every account with its declared storage root and code hash.
type Dump struct {
	Root     types.Hash
	Accounts map[types.Address]DumpAccount
}

// DumpAccount is one account of a Dump.
type DumpAccount struct {
	Balance  uint256.Int
	Nonce    uint64
	Root     types.Hash // declared storage root
	CodeHash types.Hash // declared code hash
	Code     []byte     // nil when the dump omits code
	Storage  map[uint256.Int]uint256.Int
	// AddressHash is the dump's "key", keccak(address); zero when absent.
	AddressHash types.Hash
}

// ReadDump reads a go-ethereum state dump:
//
//	{"root": hash, "accounts": {address: {"balance": decimal, "nonce": n,
//	 "root": hash, "codeHash": hash, "code": hex, "storage": {slot: hex},
//	 "address": address, "key": hash}}}
//
// The balance may also be 0x-hex. An account's address and key, when
// present, must agree with the member name, and code, when present, must
// hash to codeHash ([ErrInconsistentDump]). Accounts listed by hash only
// (missing preimages) cannot be used and are an error.
func ReadDump(r io.Reader) (*Dump, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("chainspec: read dump: %w", err)
	}
	var f struct {
		Root     *string         `json:"root"`
		Accounts json.RawMessage `json:"accounts"`
	}
	if err := unmarshalObject(data, &f); err != nil {
		return nil, fmt.Errorf("dump: %w", err)
	}
	if f.Root == nil {
		return nil, fmt.Errorf("%w: dump root", ErrMissingField)
	}
	d := &Dump{Accounts: map[types.Address]DumpAccount{}}
	if d.Root, err = parseHash(*f.Root); err != nil {
		return nil, fmt.Errorf("dump root: %w", err)
	}
	seen := map[types.Address]string{}
	err = eachMember(f.Accounts, func(key string, raw json.RawMessage) error {
		if strings.HasPrefix(key, "pre(") {
			return fmt.Errorf("%w: dump account %s has no address (missing preimage)", ErrMissingField, key)
		}
		addr, err := parseAddress(key, seen)
		if err != nil {
			return err
		}
		acct, err := parseDumpAccount(addr, raw)
		if err != nil {
			return fmt.Errorf("account %s: %w", key, err)
		}
		d.Accounts[addr] = acct
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func parseDumpAccount(addr types.Address, raw json.RawMessage) (DumpAccount, error) {
	var f struct {
		Balance  *string         `json:"balance"`
		Nonce    json.RawMessage `json:"nonce"`
		Root     *string         `json:"root"`
		CodeHash *string         `json:"codeHash"`
		Code     *string         `json:"code"`
		Storage  json.RawMessage `json:"storage"`
		Address  *string         `json:"address"`
		Key      *string         `json:"key"`
	}
	var acct DumpAccount
	if err := unmarshalObject(raw, &f); err != nil {
		return acct, err
	}
	var err error
	switch {
	case f.Balance == nil:
		return acct, fmt.Errorf("%w: balance", ErrMissingField)
	case f.Root == nil:
		return acct, fmt.Errorf("%w: root", ErrMissingField)
	case f.CodeHash == nil:
		return acct, fmt.Errorf("%w: codeHash", ErrMissingField)
	}
	if acct.Balance, err = parseUint256(*f.Balance); err != nil {
		return acct, fmt.Errorf("balance: %w", err)
	}
	if acct.Nonce, err = parseNonce(f.Nonce); err != nil {
		return acct, fmt.Errorf("nonce: %w", err)
	}
	if acct.Root, err = parseHash(*f.Root); err != nil {
		return acct, fmt.Errorf("root: %w", err)
	}
	if acct.CodeHash, err = parseHash(*f.CodeHash); err != nil {
		return acct, fmt.Errorf("codeHash: %w", err)
	}
	if f.Code != nil {
		if acct.Code, err = parseHexBytes(*f.Code); err != nil {
			return acct, fmt.Errorf("code: %w", err)
		}
		if h := types.Keccak256One(acct.Code); h != acct.CodeHash {
			return acct, fmt.Errorf("%w: code hashes to %x, codeHash is %x", ErrInconsistentDump, h, acct.CodeHash)
		}
	}
	if acct.Storage, err = parseStorage(f.Storage); err != nil {
		return acct, fmt.Errorf("storage: %w", err)
	}
	if f.Address != nil {
		a, err := parseAddress(*f.Address, nil)
		if err != nil {
			return acct, fmt.Errorf("address: %w", err)
		}
		if a != addr {
			return acct, fmt.Errorf("%w: address field %s", ErrInconsistentDump, *f.Address)
		}
	}
	if f.Key != nil {
		if acct.AddressHash, err = parseHash(*f.Key); err != nil {
			return acct, fmt.Errorf("key: %w", err)
		}
		if acct.AddressHash != types.Keccak256One(addr[:]) {
			return acct, fmt.Errorf("%w: key %x is not keccak(address)", ErrInconsistentDump, acct.AddressHash)
		}
	}
	return acct, nil
}

// Alloc returns the accounts of the dump as an allocation. Code and storage
// are shared with d, not copied. An account whose code the dump omitted
// (code hash not empty, no code) gets no code.
func (d *Dump) Alloc() Alloc {
	alloc := make(Alloc, len(d.Accounts))
	for addr, a := range d.Accounts {
		alloc[addr] = GenesisAccount{Balance: a.Balance, Nonce: a.Nonce, Code: a.Code, Storage: a.Storage}
	}
	return alloc
}
