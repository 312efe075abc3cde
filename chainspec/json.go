package chainspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// blockForkPtr returns the field of the block-number fork with the given
// lower-case genesis key.
func (c *Config) blockForkPtr(key string) **uint64 {
	switch key {
	case "homesteadblock":
		return &c.HomesteadBlock
	case "daoforkblock":
		return &c.DAOForkBlock
	case "eip150block":
		return &c.EIP150Block
	case "eip155block":
		return &c.EIP155Block
	case "eip158block":
		return &c.EIP158Block
	case "byzantiumblock":
		return &c.ByzantiumBlock
	case "constantinopleblock":
		return &c.ConstantinopleBlock
	case "petersburgblock":
		return &c.PetersburgBlock
	case "istanbulblock":
		return &c.IstanbulBlock
	case "muirglacierblock":
		return &c.MuirGlacierBlock
	case "berlinblock":
		return &c.BerlinBlock
	case "londonblock":
		return &c.LondonBlock
	case "arrowglacierblock":
		return &c.ArrowGlacierBlock
	case "grayglacierblock":
		return &c.GrayGlacierBlock
	case "mergenetsplitblock":
		return &c.MergeNetsplitBlock
	}
	return nil
}

// ParseConfig reads the "config" object of a go-ethereum genesis file (see
// [Config.UnmarshalJSON]) and validates it.
func ParseConfig(data []byte) (*Config, error) {
	c := new(Config)
	if err := c.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// UnmarshalJSON reads the "config" object of a go-ethereum genesis file:
// chainId, the block forks (homesteadBlock .. mergeNetsplitBlock,
// daoForkSupport), terminalTotalDifficulty, the timestamp forks
// (shanghaiTime .. osakaTime, bpo1Time .. bpo5Time, amsterdamTime),
// depositContractAddress and blobSchedule. Keys match case-insensitively,
// as go-ethereum's do; unknown keys are ignored. Numbers are JSON integers
// or strings of 0x-hex or decimal digits. chainId is required.
//
// blobSchedule entries ({target, max, baseFeeUpdateFraction}) are read for
// cancun, prague and bpo1..bpo5. go-ethereum has no entry for a named fork
// from Osaka on; an "osaka" or "amsterdam" entry is accepted only when it
// equals the entry that fork inherits, and is then dropped.
//
// It does not validate the result; [ParseConfig] does.
func (c *Config) UnmarshalJSON(data []byte) error {
	members, err := jsonMembers(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	var (
		out      Config
		haveID   bool
		blobsRaw json.RawMessage
	)
	for _, m := range members {
		switch key := m.key; {
		case key == "chainid":
			z, ok, err := jsonQuantity(m.val)
			if err == nil && ok && !z.IsUint64() {
				err = errOverflow
			}
			if err != nil {
				return fmt.Errorf("%w: chainId: %w", ErrInvalidConfig, err)
			}
			out.ChainID, haveID = z.Uint64(), ok
		case key == "daoforksupport":
			if err := jsonBool(m.val, &out.DAOForkSupport); err != nil {
				return fmt.Errorf("%w: daoForkSupport: %w", ErrInvalidConfig, err)
			}
		case key == "terminaltotaldifficulty":
			z, ok, err := jsonQuantity(m.val)
			if err != nil {
				return fmt.Errorf("%w: terminalTotalDifficulty: %w", ErrInvalidConfig, err)
			}
			if ok {
				out.TerminalTotalDifficulty = &z
			}
		case key == "depositcontractaddress":
			var s *string
			if err := json.Unmarshal(m.val, &s); err != nil {
				return fmt.Errorf("%w: depositContractAddress: %w", ErrInvalidConfig, err)
			}
			if s != nil {
				a, err := types.HexToAddress(*s)
				if err != nil {
					return fmt.Errorf("%w: depositContractAddress: %w", ErrInvalidConfig, err)
				}
				out.DepositContractAddress = a
			}
		case key == "blobschedule":
			blobsRaw = m.val
		case out.blockForkPtr(key) != nil:
			v, err := jsonUint64(m.val)
			if err != nil {
				return fmt.Errorf("%w: %s: %w", ErrInvalidConfig, m.name, err)
			}
			*out.blockForkPtr(key) = v
		case strings.HasSuffix(key, "time"):
			f, ok := forkByKey(strings.TrimSuffix(key, "time"))
			if !ok {
				continue // bogotaTime, ubtTime, ...: not ours
			}
			v, err := jsonUint64(m.val)
			if err != nil {
				return fmt.Errorf("%w: %s: %w", ErrInvalidConfig, m.name, err)
			}
			*out.forkTimePtr(f) = v
		}
	}
	if !haveID {
		return fmt.Errorf("%w: chainId missing", ErrInvalidConfig)
	}
	named, err := out.readBlobSchedule(blobsRaw)
	if err != nil {
		return err
	}
	if err := out.checkInherited(named); err != nil {
		return err
	}
	*c = out
	return nil
}

// readBlobSchedule reads a blobSchedule object into c.BlobSchedule and
// returns the entries of named forks separately.
func (c *Config) readBlobSchedule(raw json.RawMessage) (map[Fork]BlobConfig, error) {
	members, err := jsonMembers(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: blobSchedule: %w", ErrInvalidConfig, err)
	}
	named := map[Fork]BlobConfig{}
	for _, m := range members {
		f, ok := forkByKey(m.key)
		if !ok || f < ForkCancun {
			continue // unknown to go-ethereum too
		}
		bc, err := readBlobConfig(m.val)
		if err != nil {
			return nil, fmt.Errorf("%w: blobSchedule.%s: %w", ErrInvalidConfig, m.name, err)
		}
		if !f.carriesBlobConfig() {
			named[f] = bc
			continue
		}
		if c.BlobSchedule == nil {
			c.BlobSchedule = map[Fork]BlobConfig{}
		}
		c.BlobSchedule[f] = bc
	}
	return named, nil
}

// readBlobConfig reads {target, max, baseFeeUpdateFraction}.
func readBlobConfig(raw json.RawMessage) (BlobConfig, error) {
	var bc BlobConfig
	members, err := jsonMembers(raw)
	if err != nil {
		return bc, err
	}
	for _, m := range members {
		var dst *uint64
		switch m.key {
		case "target":
			dst = &bc.Target
		case "max":
			dst = &bc.Max
		case "basefeeupdatefraction":
			dst = &bc.UpdateFraction
		default:
			continue
		}
		v, err := jsonUint64(m.val)
		if err != nil {
			return bc, fmt.Errorf("%s: %w", m.name, err)
		}
		if v != nil {
			*dst = *v
		}
	}
	return bc, nil
}

// checkInherited accepts blob schedule entries of named forks (Osaka,
// Amsterdam) only when they equal what the fork inherits; go-ethereum
// ignores such entries, so a different one would be silently overridden.
// Entries of forks that are not scheduled are ignored.
func (c *Config) checkInherited(named map[Fork]BlobConfig) error {
	for f := ForkShanghai; f < numForks; f++ {
		bc, ok := named[f]
		t := c.ForkTime(f)
		if !ok || t == nil {
			continue
		}
		if inherited, _ := c.BlobConfig(*t); inherited != bc {
			return fmt.Errorf("%w: blob schedule entry of %s %+v differs from the one it inherits %+v (named forks have none)", ErrInvalidConfig, f, bc, inherited)
		}
	}
	return nil
}

// errOverflow: a number does not fit its field.
var errOverflow = errors.New("number out of range")

// jsonMember is one member of a JSON object: its name, the name in lower
// case, and its raw value.
type jsonMember struct {
	name, key string
	val       json.RawMessage
}

// jsonMembers returns the members of a JSON object sorted by lower-case
// name (so that errors do not depend on map order). Empty input and null give none; a
// name given twice, in any case, is an error.
func jsonMembers(data []byte) ([]jsonMember, error) {
	if t := bytes.TrimSpace(data); len(t) == 0 || string(t) == "null" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	out := make([]jsonMember, 0, len(m))
	for name, val := range m {
		out = append(out, jsonMember{name: name, key: strings.ToLower(name), val: val})
	}
	slices.SortFunc(out, func(a, b jsonMember) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	for i := 1; i < len(out); i++ {
		if out[i].key == out[i-1].key {
			return nil, fmt.Errorf("member %q given twice (as %q)", out[i].name, out[i-1].name)
		}
	}
	return out, nil
}

// jsonBool reads a JSON boolean; null leaves dst unchanged.
func jsonBool(raw json.RawMessage, dst *bool) error {
	var b *bool
	if err := json.Unmarshal(raw, &b); err != nil {
		return err
	}
	if b != nil {
		*dst = *b
	}
	return nil
}

// jsonUint64 reads an optional unsigned 64-bit integer (see jsonQuantity).
func jsonUint64(raw json.RawMessage) (*uint64, error) {
	z, ok, err := jsonQuantity(raw)
	if err != nil || !ok {
		return nil, err
	}
	if !z.IsUint64() {
		return nil, fmt.Errorf("%w: %s exceeds 64 bits", errOverflow, z.Dec())
	}
	v := z.Uint64()
	return &v, nil
}

// jsonQuantity reads an unsigned integer of up to 256 bits given as a JSON
// number (digits only: no sign, fraction or exponent) or a JSON string
// holding 0x-hex or decimal digits. Absent or null reports ok == false.
func jsonQuantity(raw json.RawMessage) (z uint256.Int, ok bool, err error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return z, false, nil
	}
	s := string(t)
	if t[0] == '"' {
		if err := json.Unmarshal(t, &s); err != nil {
			return z, false, err
		}
	}
	z, err = parseQuantity(s)
	return z, err == nil, err
}

// parseQuantity parses 0x-prefixed hex or decimal digits (leading zeros
// allowed) into a 256-bit integer.
func parseQuantity(s string) (uint256.Int, error) {
	var z uint256.Int
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		h := s[2:]
		if h == "" {
			return z, fmt.Errorf("number %.40q has no digits", s)
		}
		for i := 0; i < len(h); i++ {
			d, ok := hexDigit(h[i])
			if !ok {
				return z, fmt.Errorf("number %.40q is not hex", s)
			}
			if z[3]>>60 != 0 {
				return z, fmt.Errorf("%w: %.40q exceeds 256 bits", errOverflow, s)
			}
			z.Lsh(&z, 4)
			z[0] |= d
		}
		return z, nil
	}
	if s == "" {
		return z, errors.New("empty number")
	}
	ten := uint256.NewInt(10)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return z, fmt.Errorf("number %.40q is not decimal", s)
		}
		d := uint256.NewInt(uint64(c - '0'))
		_, o1 := z.MulOverflow(&z, ten)
		_, o2 := z.AddOverflow(&z, d)
		if o1 || o2 {
			return z, fmt.Errorf("%w: %.40q exceeds 256 bits", errOverflow, s)
		}
	}
	return z, nil
}

func hexDigit(c byte) (uint64, bool) {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0'), true
	case 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return uint64(c-'A') + 10, true
	}
	return 0, false
}
