package bal

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

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

type jsonU64 uint64

func (x jsonU64) MarshalJSON() ([]byte, error) {
	return []byte(`"0x` + strconv.FormatUint(uint64(x), 16) + `"`), nil
}

func (x *jsonU64) UnmarshalJSON(b []byte) error {
	s, err := quantity(b)
	if err != nil {
		return err
	}
	var v uint64
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		v, err = strconv.ParseUint(h, 16, 64)
	} else {
		v, err = strconv.ParseUint(s, 10, 64)
	}
	if err != nil {
		return fmt.Errorf("%w: json: quantity %q: %v", ErrMalformed, s, err)
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
	s, err := quantity(b)
	if err != nil {
		return err
	}
	var v uint256.Int
	if strings.HasPrefix(s, "0x") {
		// Accept leading zeros (a 32-byte slot written in full).
		h := strings.TrimLeft(s[2:], "0")
		if h == "" {
			h = "0"
		}
		err = v.SetFromHex("0x" + h)
	} else {
		err = v.SetFromDecimal(s)
	}
	if err != nil {
		return fmt.Errorf("%w: json: quantity %q: %v", ErrMalformed, s, err)
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

// quantity returns a JSON string or number as text.
func quantity(b []byte) (string, error) {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", fmt.Errorf("%w: json: %v", ErrMalformed, err)
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return "", fmt.Errorf("%w: json: %v", ErrMalformed, err)
	}
	return n.String(), nil
}
