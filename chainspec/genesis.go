package chainspec

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"

	"github.com/balexec/balexec/internal/hexjson"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Genesis constants of go-ethereum's params package.
const (
	// InitialBaseFee is the base fee of the first EIP-1559 block, and of a
	// genesis block under London that names none.
	InitialBaseFee = 1_000_000_000
	// DefaultGenesisGasLimit is the gas limit of a genesis that gives 0.
	DefaultGenesisGasLimit = 4_712_388
)

// Genesis is a chain's genesis block specification: a go-ethereum genesis
// file. The fields after Alloc exist for test chains that start from a
// block other than a true genesis.
type Genesis struct {
	Config     *Config
	Nonce      uint64
	Timestamp  uint64
	ExtraData  []byte
	GasLimit   uint64 // 0 means DefaultGenesisGasLimit
	Difficulty uint256.Int
	MixHash    types.Hash
	Coinbase   types.Address
	Alloc      Alloc

	Number        uint64
	GasUsed       uint64
	ParentHash    types.Hash
	BaseFee       *uint256.Int // nil: InitialBaseFee under London, absent otherwise
	ExcessBlobGas *uint64      // nil: zero under Cancun, absent otherwise
	BlobGasUsed   *uint64      // nil: zero under Cancun
	SlotNumber    *uint64      // nil: zero under Amsterdam
}

// ReadGenesis reads a go-ethereum genesis file (see [ParseGenesis]).
func ReadGenesis(r io.Reader) (*Genesis, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: read: %w", ErrInvalidGenesis, err)
	}
	return ParseGenesis(data)
}

// ParseGenesis parses a go-ethereum genesis file: config (see
// [Config.UnmarshalJSON]; required, and validated), nonce, timestamp,
// extraData, gasLimit (required), difficulty (required), mixHash, coinbase,
// alloc (required; see [ParseAlloc]), number, gasUsed, parentHash,
// baseFeePerGas, excessBlobGas, blobGasUsed and slotNumber. Keys match
// case-insensitively and unknown keys are ignored, as in go-ethereum.
// Integers are JSON integers or strings of 0x-hex or decimal digits; byte
// strings, hashes and addresses are hex.
func ParseGenesis(data []byte) (*Genesis, error) {
	members, err := jsonMembers(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
	}
	var (
		g                                 Genesis
		haveGasLimit, haveDiff, haveAlloc bool
	)
	for _, m := range members {
		var err error
		switch m.key {
		case "config":
			g.Config, err = ParseConfig(m.val)
		case "nonce":
			err = readUint64(m.val, &g.Nonce)
		case "timestamp":
			err = readUint64(m.val, &g.Timestamp)
		case "extradata":
			g.ExtraData, err = readHexBytes(m.val)
		case "gaslimit":
			haveGasLimit, err = isPresent(m.val), readUint64(m.val, &g.GasLimit)
		case "difficulty":
			var ok bool
			g.Difficulty, ok, err = jsonQuantity(m.val)
			haveDiff = ok
		case "mixhash":
			err = jsonFixed(m.val, g.MixHash[:])
		case "coinbase":
			err = jsonFixed(m.val, g.Coinbase[:])
		case "alloc":
			haveAlloc = isPresent(m.val)
			g.Alloc, err = ParseAlloc(m.val)
		case "number":
			err = readUint64(m.val, &g.Number)
		case "gasused":
			err = readUint64(m.val, &g.GasUsed)
		case "parenthash":
			err = jsonFixed(m.val, g.ParentHash[:])
		case "basefeepergas":
			var z uint256.Int
			var ok bool
			if z, ok, err = jsonQuantity(m.val); ok {
				g.BaseFee = &z
			}
		case "excessblobgas":
			g.ExcessBlobGas, err = jsonUint64(m.val)
		case "blobgasused":
			g.BlobGasUsed, err = jsonUint64(m.val)
		case "slotnumber":
			g.SlotNumber, err = jsonUint64(m.val)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrInvalidGenesis, m.name, err)
		}
	}
	switch {
	case g.Config == nil:
		return nil, fmt.Errorf("%w: config missing", ErrInvalidGenesis)
	case !haveGasLimit:
		return nil, fmt.Errorf("%w: gasLimit missing", ErrInvalidGenesis)
	case !haveDiff:
		return nil, fmt.Errorf("%w: difficulty missing", ErrInvalidGenesis)
	case !haveAlloc:
		return nil, fmt.Errorf("%w: alloc missing", ErrInvalidGenesis)
	}
	return &g, nil
}

// Header returns the genesis block's header, built as go-ethereum's
// Genesis.ToBlock builds it:
//   - the state root of Alloc, empty transactions and receipts roots, the
//     empty uncle hash and an empty bloom;
//   - BaseFee when given, and InitialBaseFee when London is active at block
//     0 and none is given;
//   - from Shanghai (at Number and Timestamp): the empty withdrawals root;
//   - from Cancun: a zero parent beacon root and the blob gas fields (given
//     or zero); before Cancun a given ExcessBlobGas is kept;
//   - from Prague: the empty requests hash;
//   - from Amsterdam: the empty block access list hash and the slot number
//     (given or zero).
func (g *Genesis) Header() (types.Header, error) {
	var h types.Header
	if g.Config == nil {
		return h, fmt.Errorf("%w: no chain configuration", ErrInvalidGenesis)
	}
	root, err := g.Alloc.Root()
	if err != nil {
		return h, fmt.Errorf("%w: state root: %w", ErrInvalidGenesis, err)
	}
	h = types.Header{
		ParentHash:  g.ParentHash,
		UncleHash:   types.EmptyListHash,
		Coinbase:    g.Coinbase,
		Root:        root,
		TxHash:      types.EmptyRootHash,
		ReceiptHash: types.EmptyRootHash,
		Difficulty:  g.Difficulty,
		Number:      g.Number,
		GasLimit:    g.GasLimit,
		GasUsed:     g.GasUsed,
		Time:        g.Timestamp,
		Extra:       g.ExtraData,
		MixDigest:   g.MixHash,
	}
	binary.BigEndian.PutUint64(h.Nonce[:], g.Nonce)
	if h.GasLimit == 0 {
		h.GasLimit = DefaultGenesisGasLimit
	}
	cfg := g.Config
	if g.BaseFee != nil {
		h.BaseFee = *g.BaseFee
		h.Optional |= types.FieldBaseFee
	} else if cfg.IsLondon(0) { // go-ethereum asks London at block 0, not Number
		h.BaseFee.SetUint64(InitialBaseFee)
		h.Optional |= types.FieldBaseFee
	}
	if cfg.IsActiveAt(ForkShanghai, g.Number, g.Timestamp) {
		h.WithdrawalsHash = types.EmptyRootHash
		h.Optional |= types.FieldWithdrawalsHash
	}
	if cfg.IsActiveAt(ForkCancun, g.Number, g.Timestamp) {
		h.Optional |= types.FieldParentBeaconRoot | types.FieldExcessBlobGas | types.FieldBlobGasUsed
		if g.ExcessBlobGas != nil {
			h.ExcessBlobGas = *g.ExcessBlobGas
		}
		if g.BlobGasUsed != nil {
			h.BlobGasUsed = *g.BlobGasUsed
		}
	} else if g.ExcessBlobGas != nil {
		h.ExcessBlobGas = *g.ExcessBlobGas
		h.Optional |= types.FieldExcessBlobGas
	}
	if cfg.IsActiveAt(ForkPrague, g.Number, g.Timestamp) {
		h.RequestsHash = types.EmptyRequestsHash
		h.Optional |= types.FieldRequestsHash
	}
	if cfg.IsActiveAt(ForkAmsterdam, g.Number, g.Timestamp) {
		h.BlockAccessListHash = types.EmptyListHash // keccak(rlp([]))
		h.Optional |= types.FieldBlockAccessListHash | types.FieldSlotNumber
		if g.SlotNumber != nil {
			h.SlotNumber = *g.SlotNumber
		}
	}
	return h, nil
}

// Block returns the genesis block: its Header and an empty body, with an
// empty (non-nil) withdrawals list from Shanghai.
func (g *Genesis) Block() (*types.Block, error) {
	h, err := g.Header()
	if err != nil {
		return nil, err
	}
	b := &types.Block{Header: h}
	if h.Has(types.FieldWithdrawalsHash) {
		b.Withdrawals = []types.Withdrawal{}
	}
	return b, nil
}

// State returns the genesis state in memory (a copy of Alloc).
func (g *Genesis) State() *state.Memory { return g.Alloc.Memory() }

// isPresent reports whether a JSON value is given and not null.
func isPresent(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && string(t) != "null"
}

// readUint64 reads an optional unsigned integer into dst.
func readUint64(raw json.RawMessage, dst *uint64) error {
	v, err := jsonUint64(raw)
	if err == nil && v != nil {
		*dst = *v
	}
	return err
}

// readHexBytes reads an optional hex string (with or without 0x); empty,
// absent and null give nil.
func readHexBytes(raw json.RawMessage) ([]byte, error) {
	s, ok, err := jsonString(raw)
	if err != nil || !ok {
		return nil, err
	}
	b, err := hexjson.ParseBytes(s, numMode)
	if err != nil {
		return nil, readErr(ErrInvalidHex, err)
	}
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}
