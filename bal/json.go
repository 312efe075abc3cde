package bal

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/balexec/balexec/internal/hexjson"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The JSON form of a block access list used by execution-spec-tests fixtures
// (a block's "blockAccessList"): an array of accounts with camel-case lists
// and hex quantities. MarshalJSON writes it; UnmarshalJSON reads it,
// accepting quantities in hex ("0x...") or decimal. The JSON form carries no
// ordering guarantee of its own: check a decoded list with Validate.

type jsonAccount struct {
	Address        types.Address     `json:"address"`
	NonceChanges   []jsonNonce       `json:"nonceChanges"`
	BalanceChanges []jsonBalance     `json:"balanceChanges"`
	CodeChanges    []jsonCode        `json:"codeChanges"`
	StorageChanges []jsonSlotChanges `json:"storageChanges"`
	StorageReads   []jsonU256        `json:"storageReads"`
}

type jsonNonce struct {
	Index jsonU64 `json:"blockAccessIndex"`
	Nonce jsonU64 `json:"postNonce"`
}

type jsonBalance struct {
	Index   jsonU64  `json:"blockAccessIndex"`
	Balance jsonU256 `json:"postBalance"`
}

type jsonCode struct {
	Index jsonU64   `json:"blockAccessIndex"`
	Code  jsonBytes `json:"newCode"`
}

type jsonSlotChanges struct {
	Slot    jsonU256    `json:"slot"`
	Changes []jsonWrite `json:"slotChanges"`
}

type jsonWrite struct {
	Index jsonU64  `json:"blockAccessIndex"`
	Value jsonU256 `json:"postValue"`
}

// MarshalJSON writes the execution-spec-tests JSON form.
func (l *BlockAccessList) MarshalJSON() ([]byte, error) {
	out := make([]jsonAccount, len(l.Accounts))
	for i := range l.Accounts {
		a, j := &l.Accounts[i], &out[i]
		j.Address = a.Address
		j.NonceChanges = make([]jsonNonce, len(a.NonceChanges))
		for k, c := range a.NonceChanges {
			j.NonceChanges[k] = jsonNonce{jsonU64(c.Index), jsonU64(c.Nonce)}
		}
		j.BalanceChanges = make([]jsonBalance, len(a.BalanceChanges))
		for k, c := range a.BalanceChanges {
			j.BalanceChanges[k] = jsonBalance{jsonU64(c.Index), jsonU256(c.Balance)}
		}
		j.CodeChanges = make([]jsonCode, len(a.CodeChanges))
		for k, c := range a.CodeChanges {
			j.CodeChanges[k] = jsonCode{jsonU64(c.Index), jsonBytes(c.Code)}
		}
		j.StorageChanges = make([]jsonSlotChanges, len(a.StorageChanges))
		for k, sc := range a.StorageChanges {
			js := jsonSlotChanges{Slot: jsonU256(sc.Slot), Changes: make([]jsonWrite, len(sc.Writes))}
			for m, w := range sc.Writes {
				js.Changes[m] = jsonWrite{jsonU64(w.Index), jsonU256(w.Value)}
			}
			j.StorageChanges[k] = js
		}
		j.StorageReads = make([]jsonU256, len(a.StorageReads))
		for k, r := range a.StorageReads {
			j.StorageReads[k] = jsonU256(r)
		}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads the execution-spec-tests JSON form. Indices must fit
// 32 bits; empty lists become nil, as after Decode.
func (l *BlockAccessList) UnmarshalJSON(b []byte) error {
	var in []jsonAccount
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("%w: json: %v", ErrMalformed, err)
	}
	idx := func(x jsonU64) (uint32, error) {
		if x > 1<<32-1 {
			return 0, fmt.Errorf("%w: json: block access index %d exceeds 32 bits", ErrMalformed, uint64(x))
		}
		return uint32(x), nil
	}
	accounts := make([]AccountAccess, len(in))
	for i := range in {
		j, a := &in[i], &accounts[i]
		a.Address = j.Address
		for _, c := range j.NonceChanges {
			k, err := idx(c.Index)
			if err != nil {
				return err
			}
			a.NonceChanges = append(a.NonceChanges, NonceChange{Index: k, Nonce: uint64(c.Nonce)})
		}
		for _, c := range j.BalanceChanges {
			k, err := idx(c.Index)
			if err != nil {
				return err
			}
			a.BalanceChanges = append(a.BalanceChanges, BalanceChange{Index: k, Balance: uint256.Int(c.Balance)})
		}
		for _, c := range j.CodeChanges {
			k, err := idx(c.Index)
			if err != nil {
				return err
			}
			a.CodeChanges = append(a.CodeChanges, CodeChange{Index: k, Code: []byte(c.Code)})
		}
		for _, sc := range j.StorageChanges {
			s := SlotChanges{Slot: uint256.Int(sc.Slot)}
			for _, w := range sc.Changes {
				k, err := idx(w.Index)
				if err != nil {
					return err
				}
				s.Writes = append(s.Writes, StorageWrite{Index: k, Value: uint256.Int(w.Value)})
			}
			a.StorageChanges = append(a.StorageChanges, s)
		}
		for _, r := range j.StorageReads {
			a.StorageReads = append(a.StorageReads, uint256.Int(r))
		}
	}
	l.Accounts = accounts
	return nil
}

// The quantities of the fixtures' JSON are hexjson.Lenient without the
// upper-case prefix ("0x" only, as execution-spec-tests writes it): 0x-hex
// with leading zeros (a 32-byte slot written in full), decimal, or JSON
// integers. A 256-bit value may also be a bare "0x" (zero); a 64-bit one
// may not, and neither may be null.
const (
	u64Mode  = hexjson.Lenient &^ hexjson.UpperPrefix
	u256Mode = u64Mode | hexjson.PrefixZero
)

// quantityErr maps a quantity reader's result to ErrMalformed; null is an
// error too.
func quantityErr(ok bool, err error) error {
	switch {
	case err != nil:
		return fmt.Errorf("%w: json: quantity: %w", ErrMalformed, err)
	case !ok:
		return fmt.Errorf("%w: json: null quantity", ErrMalformed)
	}
	return nil
}

type jsonU64 uint64

func (x jsonU64) MarshalJSON() ([]byte, error) {
	return []byte(`"0x` + strconv.FormatUint(uint64(x), 16) + `"`), nil
}

func (x *jsonU64) UnmarshalJSON(b []byte) error {
	v, ok, err := hexjson.Uint64(b, u64Mode)
	if err := quantityErr(ok, err); err != nil {
		return err
	}
	*x = jsonU64(v)
	return nil
}

type jsonU256 uint256.Int

func (x jsonU256) MarshalJSON() ([]byte, error) {
	v := uint256.Int(x)
	return []byte(`"` + v.Hex() + `"`), nil
}

func (x *jsonU256) UnmarshalJSON(b []byte) error {
	v, ok, err := hexjson.Uint256(b, u256Mode)
	if err := quantityErr(ok, err); err != nil {
		return err
	}
	*x = jsonU256(v)
	return nil
}

type jsonBytes []byte

func (x jsonBytes) MarshalJSON() ([]byte, error) {
	return json.Marshal("0x" + fmt.Sprintf("%x", []byte(x)))
}

func (x *jsonBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: json: %v", ErrMalformed, err)
	}
	d, err := types.DecodeHex(s)
	if err != nil {
		return fmt.Errorf("%w: json: %v", ErrMalformed, err)
	}
	*x = d
	return nil
}
