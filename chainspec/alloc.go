package chainspec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/balexec/balexec/internal/hexjson"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// GenesisAccount is an account of a genesis allocation.
type GenesisAccount struct {
	Balance uint256.Int
	Nonce   uint64
	Code    []byte
	// Storage maps slots to values; a zero value is an absent slot.
	Storage map[uint256.Int]uint256.Int
}

// CodeHash returns keccak(Code), types.EmptyCodeHash when there is no code.
func (g *GenesisAccount) CodeHash() types.Hash {
	if len(g.Code) == 0 {
		return types.EmptyCodeHash
	}
	return types.Keccak256One(g.Code)
}

// Alloc is a genesis allocation: the accounts of the state before block 0's
// (empty) execution, or any whole state given as plain data.
type Alloc map[types.Address]GenesisAccount

// Root returns the state root of the allocation.
func (a Alloc) Root() (types.Hash, error) {
	accounts := make([]trie.StateAccount, 0, len(a))
	for addr, g := range a {
		accounts = append(accounts, trie.StateAccount{
			Address: addr, Nonce: g.Nonce, Balance: g.Balance, CodeHash: g.CodeHash(), Storage: g.Storage,
		})
	}
	return trie.StateRoot(accounts)
}

// Updates returns the allocation as account updates onto an empty state,
// sorted by address, each with its non-zero slots sorted by key. Code is
// shared with a, not copied.
func (a Alloc) Updates() []state.AccountUpdate {
	out := make([]state.AccountUpdate, 0, len(a))
	for addr, g := range a {
		u := state.AccountUpdate{Address: addr, Nonce: g.Nonce, Balance: g.Balance, CodeHash: g.CodeHash()}
		if len(g.Code) > 0 {
			u.Code = g.Code
		}
		for k, v := range g.Storage {
			if !v.IsZero() {
				u.Storage = append(u.Storage, state.SlotUpdate{Key: k, Value: v})
			}
		}
		slices.SortFunc(u.Storage, func(x, y state.SlotUpdate) int { return x.Key.Cmp(&y.Key) })
		out = append(out, u)
	}
	slices.SortFunc(out, func(x, y state.AccountUpdate) int { return x.Address.Compare(&y.Address) })
	return out
}

// Memory returns the allocation as an in-memory state. Code and storage are
// copied: the state does not change when a does.
func (a Alloc) Memory() *state.Memory {
	m := state.NewMemory()
	m.Apply(a.Updates())
	return m
}

// ReadGenesisAlloc reads a go-ethereum genesis file and returns its alloc
// object; the other fields (config, header values) are ignored. A file
// without alloc gives an empty Alloc.
//
// Each account is an object with balance (a string, 0x-hex or decimal,
// leading zeros allowed, "" for zero; required), nonce (a JSON number or a
// string like a balance), code (hex) and storage (an object of hex words of
// up to 32 bytes, an even number of digits, with or without 0x). Addresses
// are 40 hex digits with or without 0x, in any case.
func ReadGenesisAlloc(r io.Reader) (Alloc, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("chainspec: read genesis: %w", err)
	}
	var g struct {
		Alloc json.RawMessage `json:"alloc"`
	}
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, fmt.Errorf("%w: genesis: %w", ErrInvalidJSON, err)
	}
	return ParseAlloc(g.Alloc)
}

// ParseAlloc parses an alloc object (the value of a genesis file's "alloc"
// member). Empty input or null is an empty Alloc.
func ParseAlloc(data []byte) (Alloc, error) {
	alloc := Alloc{}
	seen := map[types.Address]string{}
	err := eachMember(data, func(key string, raw json.RawMessage) error {
		addr, err := parseAddress(key, seen)
		if err != nil {
			return err
		}
		acct, err := parseGenesisAccount(raw)
		if err != nil {
			return fmt.Errorf("account %s: %w", key, err)
		}
		alloc[addr] = acct
		return nil
	})
	if err != nil {
		return nil, err
	}
	return alloc, nil
}

// UnmarshalJSON implements json.Unmarshaler with [ParseAlloc].
func (a *Alloc) UnmarshalJSON(data []byte) error {
	alloc, err := ParseAlloc(data)
	if err != nil {
		return err
	}
	*a = alloc
	return nil
}

func parseGenesisAccount(raw json.RawMessage) (GenesisAccount, error) {
	var f struct {
		Balance *string         `json:"balance"`
		Nonce   json.RawMessage `json:"nonce"`
		Code    *string         `json:"code"`
		Storage json.RawMessage `json:"storage"`
	}
	if err := unmarshalObject(raw, &f); err != nil {
		return GenesisAccount{}, err
	}
	var acct GenesisAccount
	var err error
	if f.Balance == nil {
		return acct, fmt.Errorf("%w: balance", ErrMissingField)
	}
	if acct.Balance, err = parseUint256(*f.Balance); err != nil {
		return acct, fmt.Errorf("balance: %w", err)
	}
	if acct.Nonce, err = parseNonce(f.Nonce); err != nil {
		return acct, fmt.Errorf("nonce: %w", err)
	}
	if f.Code != nil {
		if acct.Code, err = parseHexBytes(*f.Code); err != nil {
			return acct, fmt.Errorf("code: %w", err)
		}
	}
	if acct.Storage, err = parseStorage(f.Storage); err != nil {
		return acct, fmt.Errorf("storage: %w", err)
	}
	return acct, nil
}

// eachMember calls fn for each member of the JSON object data, in order.
// Empty input and null are an empty object; anything else that is not an
// object is an error.
func eachMember(data []byte, fn func(key string, val json.RawMessage) error) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("%w: expected an object, found %v", ErrInvalidJSON, tok)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidJSON, err)
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("%w: expected a member name, found %v", ErrInvalidJSON, tok)
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return fmt.Errorf("%w: member %q: %w", ErrInvalidJSON, key, err)
		}
		if err := fn(key, val); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: data after the object", ErrInvalidJSON)
	}
	return nil
}

// unmarshalObject decodes a JSON object into the struct v, mapping every
// decoding failure to ErrInvalidJSON.
func unmarshalObject(data []byte, v any) error {
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return fmt.Errorf("%w: expected an object", ErrInvalidJSON)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	return nil
}

// parseAddress parses 40 hex digits with or without 0x. With a non-nil seen
// map it also rejects an address already seen (in any spelling).
func parseAddress(s string, seen map[types.Address]string) (types.Address, error) {
	var a types.Address
	if err := hexjson.ParseFixed(a[:], s, allocMode); err != nil {
		return a, readErr(ErrInvalidHex, err)
	}
	if seen != nil {
		if prev, dup := seen[a]; dup {
			return a, fmt.Errorf("%w: %q and %q", ErrDuplicateAddress, prev, s)
		}
		seen[a] = s
	}
	return a, nil
}

// parseHash parses 64 hex digits with or without 0x.
func parseHash(s string) (types.Hash, error) {
	var h types.Hash
	if err := hexjson.ParseFixed(h[:], s, allocMode); err != nil {
		return h, readErr(ErrInvalidHex, err)
	}
	return h, nil
}

// parseHexBytes parses an even number of hex digits with or without 0x;
// "" and "0x" give nil.
func parseHexBytes(s string) ([]byte, error) {
	b, err := hexjson.ParseBytes(s, allocMode)
	if err != nil {
		return nil, readErr(ErrInvalidHex, err)
	}
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}

// parseWord parses a storage key or value: an even number of hex digits, at
// most 64, with or without 0x, as a big-endian number ("" and "0x" are zero).
func parseWord(s string) (uint256.Int, error) {
	z, err := hexjson.ParseWord(s, allocMode)
	if err != nil {
		return z, readErr(ErrInvalidHex, err)
	}
	return z, nil
}

// parseStorage parses a storage object; absent or null is nil.
func parseStorage(raw json.RawMessage) (map[uint256.Int]uint256.Int, error) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || string(t) == "null" {
		return nil, nil
	}
	storage := map[uint256.Int]uint256.Int{}
	err := eachMember(raw, func(key string, val json.RawMessage) error {
		slot, err := parseWord(key)
		if err != nil {
			return err
		}
		var s string
		if err := json.Unmarshal(val, &s); err != nil {
			return fmt.Errorf("%w: slot %s: value is not a string", ErrInvalidJSON, key)
		}
		v, err := parseWord(s)
		if err != nil {
			return fmt.Errorf("slot %s: %w", key, err)
		}
		if _, dup := storage[slot]; dup {
			return fmt.Errorf("%w: %s", ErrDuplicateSlot, key)
		}
		storage[slot] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return storage, nil
}

// parseNonce parses a nonce: absent, null and "" are zero, a JSON number
// must be a plain integer, a string is 0x-hex or decimal.
func parseNonce(raw json.RawMessage) (uint64, error) {
	v, _, err := hexjson.Uint64(raw, allocMode)
	if err != nil {
		return 0, readErr(ErrInvalidNumber, err)
	}
	return v, nil
}

// parseUint256 parses a balance: 0x-hex or decimal, leading zeros allowed,
// "" being zero.
func parseUint256(s string) (uint256.Int, error) {
	z, err := hexjson.ParseUint256(s, allocMode)
	if err != nil {
		return z, readErr(ErrInvalidNumber, err)
	}
	return z, nil
}
