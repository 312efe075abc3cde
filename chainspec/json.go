package chainspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/balexec/balexec/internal/hexjson"
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
			id, err := jsonUint64(m.val)
			if err != nil {
				return fmt.Errorf("%w: chainId: %w", ErrInvalidConfig, err)
			}
			if id != nil {
				out.ChainID, haveID = *id, true
			}
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
			if err := jsonFixed(m.val, out.DepositContractAddress[:]); err != nil {
				return fmt.Errorf("%w: depositContractAddress: %w", ErrInvalidConfig, err)
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

// The spelling of numbers and hex in chain configurations, genesis files,
// allocations, state dumps and hive forkenv variables is hexjson.Lenient:
// numbers are JSON integers or strings of decimal digits or 0x-hex (either
// prefix case, leading zeros allowed); byte strings, addresses and hashes
// are hex with or without 0x. An empty string or a bare "0x" is not a
// number, except as a balance or nonce of an allocation (allocMode).
const (
	numMode   = hexjson.Lenient
	allocMode = hexjson.Lenient | hexjson.EmptyZero
)

// readErr wraps an error of the hexjson readers under this package's
// sentinels: ErrOverflow for a value out of range, class (ErrInvalidNumber
// or ErrInvalidHex) otherwise.
func readErr(class, err error) error {
	if errors.Is(err, hexjson.ErrOverflow) {
		class = ErrOverflow
	}
	return fmt.Errorf("%w: %w", class, err)
}

// jsonUint64 reads an optional unsigned 64-bit integer; absent and null
// give nil.
func jsonUint64(raw json.RawMessage) (*uint64, error) {
	v, ok, err := hexjson.Uint64(raw, numMode)
	if err != nil {
		return nil, readErr(ErrInvalidNumber, err)
	}
	if !ok {
		return nil, nil
	}
	return &v, nil
}

// jsonQuantity reads an optional unsigned integer of up to 256 bits;
// absent and null report ok == false.
func jsonQuantity(raw json.RawMessage) (z uint256.Int, ok bool, err error) {
	z, ok, err = hexjson.Uint256(raw, numMode)
	if err != nil {
		return z, false, readErr(ErrInvalidNumber, err)
	}
	return z, ok, nil
}

// parseUint64 reads an unsigned 64-bit integer written as text.
func parseUint64(s string) (uint64, error) {
	v, err := hexjson.ParseUint64(s, numMode)
	if err != nil {
		return 0, readErr(ErrInvalidNumber, err)
	}
	return v, nil
}

// jsonString reads an optional JSON string; absent and null report
// ok == false.
func jsonString(raw json.RawMessage) (s string, ok bool, err error) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || string(t) == "null" {
		return "", false, nil
	}
	err = json.Unmarshal(raw, &s)
	return s, err == nil, err
}

// jsonFixed reads an optional JSON string of exactly len(dst) bytes of hex
// (an address, a hash) into dst; absent and null leave dst unchanged, an
// error leaves it unspecified.
func jsonFixed(raw json.RawMessage, dst []byte) error {
	s, ok, err := jsonString(raw)
	if err != nil || !ok {
		return err
	}
	if err := hexjson.ParseFixed(dst, s, numMode); err != nil {
		return readErr(ErrInvalidHex, err)
	}
	return nil
}
