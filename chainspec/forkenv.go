package chainspec

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/balexec/balexec/internal/hexjson"
	"github.com/holiman/uint256"
)

// ParseForkEnv reads a hive forkenv.json: a JSON object of HIVE_*
// environment variables with string values, as hive hands them to a
// client. It maps them as hive's go-ethereum mapper does:
//
//	HIVE_CHAIN_ID                        chainId
//	HIVE_FORK_HOMESTEAD, _DAO_BLOCK, _TANGERINE (EIP-150), _SPURIOUS
//	  (EIP-155 and EIP-158), _BYZANTIUM, _CONSTANTINOPLE, _PETERSBURG,
//	  _ISTANBUL, _MUIR_GLACIER, _BERLIN, _LONDON, _ARROW_GLACIER,
//	  _GRAY_GLACIER                      the block forks
//	HIVE_FORK_DAO_VOTE                   daoForkSupport ("1")
//	HIVE_MERGE_BLOCK_ID                  mergeNetsplitBlock
//	HIVE_TERMINAL_TOTAL_DIFFICULTY       terminalTotalDifficulty (2^63-1 if absent)
//	HIVE_<FORK>_TIMESTAMP                the timestamp forks (SHANGHAI .. AMSTERDAM, BPO1..BPO5)
//	HIVE_<FORK>_BLOB_TARGET, _BLOB_MAX, _BLOB_BASE_FEE_UPDATE_FRACTION
//	                                     the blob schedule
//	HIVE_DEPOSIT_CONTRACT_ADDRESS        depositContractAddress (zero if absent)
//
// A scheduled Cancun or Prague without blob variables gets the standard
// schedule, field by field, as the mapper does. Blob variables of named
// forks (OSAKA, AMSTERDAM) must equal what the fork inherits, as in
// [Config.UnmarshalJSON]. Other variables are ignored. The result is
// validated.
func ParseForkEnv(data []byte) (*Config, error) {
	members, err := jsonMembers(data)
	if err != nil {
		return nil, fmt.Errorf("%w: forkenv: %w", ErrInvalidConfig, err)
	}
	vars := make(map[string]string, len(members))
	for _, m := range members {
		var s string
		if err := json.Unmarshal(m.val, &s); err != nil {
			return nil, fmt.Errorf("%w: forkenv %s: value is not a string", ErrInvalidConfig, m.name)
		}
		vars[strings.ToUpper(m.name)] = s
	}
	num := func(name string) (*uint64, error) {
		s, ok := vars[name]
		if !ok {
			return nil, nil
		}
		v, err := parseUint64(s)
		if err != nil {
			return nil, fmt.Errorf("%w: forkenv %s: %w", ErrInvalidConfig, name, err)
		}
		return &v, nil
	}
	c := new(Config)
	id, err := num("HIVE_CHAIN_ID")
	if err != nil {
		return nil, err
	}
	if id == nil {
		return nil, fmt.Errorf("%w: forkenv: HIVE_CHAIN_ID missing", ErrInvalidConfig)
	}
	c.ChainID = *id
	for _, b := range [...]struct {
		name string
		dst  []**uint64
	}{
		{"HIVE_FORK_HOMESTEAD", []**uint64{&c.HomesteadBlock}},
		{"HIVE_FORK_DAO_BLOCK", []**uint64{&c.DAOForkBlock}},
		{"HIVE_FORK_TANGERINE", []**uint64{&c.EIP150Block}},
		{"HIVE_FORK_SPURIOUS", []**uint64{&c.EIP155Block, &c.EIP158Block}},
		{"HIVE_FORK_BYZANTIUM", []**uint64{&c.ByzantiumBlock}},
		{"HIVE_FORK_CONSTANTINOPLE", []**uint64{&c.ConstantinopleBlock}},
		{"HIVE_FORK_PETERSBURG", []**uint64{&c.PetersburgBlock}},
		{"HIVE_FORK_ISTANBUL", []**uint64{&c.IstanbulBlock}},
		{"HIVE_FORK_MUIR_GLACIER", []**uint64{&c.MuirGlacierBlock}},
		{"HIVE_FORK_BERLIN", []**uint64{&c.BerlinBlock}},
		{"HIVE_FORK_LONDON", []**uint64{&c.LondonBlock}},
		{"HIVE_FORK_ARROW_GLACIER", []**uint64{&c.ArrowGlacierBlock}},
		{"HIVE_FORK_GRAY_GLACIER", []**uint64{&c.GrayGlacierBlock}},
		{"HIVE_MERGE_BLOCK_ID", []**uint64{&c.MergeNetsplitBlock}},
	} {
		v, err := num(b.name)
		if err != nil {
			return nil, err
		}
		for _, d := range b.dst {
			if v != nil {
				x := *v
				*d = &x
			}
		}
	}
	c.DAOForkSupport = vars["HIVE_FORK_DAO_VOTE"] == "1"
	if s, ok := vars["HIVE_TERMINAL_TOTAL_DIFFICULTY"]; ok {
		z, err := hexjson.ParseUint256(s, numMode)
		if err != nil {
			return nil, fmt.Errorf("%w: forkenv HIVE_TERMINAL_TOTAL_DIFFICULTY: %w", ErrInvalidConfig, readErr(ErrInvalidNumber, err))
		}
		c.TerminalTotalDifficulty = &z
	} else {
		c.TerminalTotalDifficulty = uint256.NewInt(1<<63 - 1)
	}
	if s, ok := vars["HIVE_DEPOSIT_CONTRACT_ADDRESS"]; ok {
		if err := hexjson.ParseFixed(c.DepositContractAddress[:], s, numMode); err != nil {
			return nil, fmt.Errorf("%w: forkenv HIVE_DEPOSIT_CONTRACT_ADDRESS: %w", ErrInvalidConfig, readErr(ErrInvalidHex, err))
		}
	}
	named := map[Fork]BlobConfig{}
	for f := ForkShanghai; f < numForks; f++ {
		prefix := "HIVE_" + strings.ToUpper(forkNames[f])
		t, err := num(prefix + "_TIMESTAMP")
		if err != nil {
			return nil, err
		}
		*c.forkTimePtr(f) = t
		if f < ForkCancun {
			continue
		}
		var (
			bc      BlobConfig
			present bool
		)
		switch f {
		case ForkCancun:
			bc = CancunBlobConfig
		case ForkPrague, ForkOsaka:
			bc = PragueBlobConfig
		}
		for _, field := range [...]struct {
			suffix string
			dst    *uint64
		}{
			{"_BLOB_TARGET", &bc.Target},
			{"_BLOB_MAX", &bc.Max},
			{"_BLOB_BASE_FEE_UPDATE_FRACTION", &bc.UpdateFraction},
		} {
			v, err := num(prefix + field.suffix)
			if err != nil {
				return nil, err
			}
			if v != nil {
				*field.dst, present = *v, true
			}
		}
		switch {
		case !f.carriesBlobConfig():
			if present {
				named[f] = bc
			}
		case present || (t != nil && (f == ForkCancun || f == ForkPrague)):
			if c.BlobSchedule == nil {
				c.BlobSchedule = map[Fork]BlobConfig{}
			}
			c.BlobSchedule[f] = bc
		}
	}
	if err := c.checkInherited(named); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}
