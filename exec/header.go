package exec

import (
	"fmt"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Header and block limits of go-ethereum's params package.
const (
	// MaxExtraDataSize is the most extra data a header may carry.
	MaxExtraDataSize = 32
	// GasLimitBoundDivisor bounds the gas limit change between blocks: it
	// must move by less than parent/1024.
	GasLimitBoundDivisor = 1024
	// MinGasLimit is the lowest gas limit a block may have.
	MinGasLimit = 5000
	// MaxGasLimit is the highest gas limit a block may have (2^63-1).
	MaxGasLimit = 1<<63 - 1
	// BaseFeeChangeDenominator bounds the base fee change between blocks
	// (EIP-1559): at most 1/8 of the parent's.
	BaseFeeChangeDenominator = 8
	// ElasticityMultiplier is the ratio of the gas limit to the gas target
	// (EIP-1559).
	ElasticityMultiplier = 2
	// BlobBaseCost is EIP-7918's execution gas per blob that bounds the
	// blob price from below.
	BlobBaseCost = 1 << 13
	// MaxBlockSize is EIP-7934's cap on the RLP-encoded block from Osaka:
	// 10 MiB minus a 2 MiB margin for the beacon block around it.
	MaxBlockSize = 8_388_608
)

// ValidateHeader checks header against its parent and the chain
// configuration with go-ethereum's post-merge rules (consensus/beacon
// verifyHeader with eip1559 and eip4844), in this order:
//   - the number is the parent's plus one and the parent hash is the
//     parent's hash;
//   - the block runs Shanghai or later rules (else
//     chainspec.ErrForkNotSupported);
//   - extra data is at most 32 bytes, nonce and difficulty are zero, the
//     uncle hash is that of the empty list, the timestamp is after the
//     parent's;
//   - the gas limit is at most 2^63-1, gas used at most the gas limit, the
//     gas limit moves by less than parent/1024 and is at least 5000;
//   - the base fee is present and equals [CalcBaseFee];
//   - the withdrawals hash is present;
//   - before Cancun the blob gas fields and the parent beacon root are
//     absent; from Cancun they are present, blob gas used is at most the
//     fork's maximum and a multiple of 2^17, and the excess blob gas equals
//     [CalcExcessBlobGas];
//   - the requests hash is present from Prague and absent before;
//   - the block access list hash and the slot number are present from
//     Amsterdam and absent before.
//
// Each failure wraps its own sentinel with the values involved. The header's
// result fields (state root, receipts, gas used against execution, requests
// and access list contents) are checked after execution, not here.
//
// go-ethereum checks the requests hash only after execution, where a
// pre-Prague header carrying the empty requests hash slips through;
// ValidateHeader rejects it.
func ValidateHeader(cfg *chainspec.Config, parent, header *types.Header) error {
	if header.Number == 0 || header.Number-1 != parent.Number {
		return fmt.Errorf("%w: have %d, parent is %d", ErrInvalidNumber, header.Number, parent.Number)
	}
	if ph := parent.Hash(); header.ParentHash != ph {
		return fmt.Errorf("%w: have %s, parent is %s", ErrInvalidParentHash, header.ParentHash, ph)
	}
	if !cfg.IsActiveAt(chainspec.ForkShanghai, header.Number, header.Time) {
		return fmt.Errorf("%w: block %d at time %d", chainspec.ErrForkNotSupported, header.Number, header.Time)
	}
	if len(header.Extra) > MaxExtraDataSize {
		return fmt.Errorf("%w: %d bytes, max %d", ErrExtraDataTooLong, len(header.Extra), MaxExtraDataSize)
	}
	if header.Nonce != (types.BlockNonce{}) {
		return fmt.Errorf("%w: have %x, want 0", ErrInvalidNonce, header.Nonce[:])
	}
	if header.UncleHash != types.EmptyListHash {
		return fmt.Errorf("%w: have %s, want %s", ErrInvalidUncleHash, header.UncleHash, types.EmptyListHash)
	}
	if header.Time <= parent.Time {
		return fmt.Errorf("%w: have %d, parent %d", ErrInvalidTimestamp, header.Time, parent.Time)
	}
	if !header.Difficulty.IsZero() {
		return fmt.Errorf("%w: have %s, want 0", ErrInvalidDifficulty, header.Difficulty.Dec())
	}
	if header.GasLimit > MaxGasLimit {
		return fmt.Errorf("%w: have %d, max %d", ErrInvalidGasLimit, header.GasLimit, uint64(MaxGasLimit))
	}
	if header.GasUsed > header.GasLimit {
		return fmt.Errorf("%w: have %d, gas limit %d", ErrInvalidGasUsed, header.GasUsed, header.GasLimit)
	}
	if err := verifyGasLimit(cfg, parent, header); err != nil {
		return err
	}
	if err := verifyBaseFee(cfg, parent, header); err != nil {
		return err
	}
	if !header.Has(types.FieldWithdrawalsHash) {
		return fmt.Errorf("%w: withdrawals hash (Shanghai)", ErrMissingHeaderField)
	}
	if err := verifyBlobFields(cfg, parent, header); err != nil {
		return err
	}
	if err := presence(header, types.FieldRequestsHash, "requests hash", chainspec.ForkPrague, cfg.IsPrague(header.Time)); err != nil {
		return err
	}
	amsterdam := cfg.IsAmsterdam(header.Time)
	if err := presence(header, types.FieldBlockAccessListHash, "block access list hash", chainspec.ForkAmsterdam, amsterdam); err != nil {
		return err
	}
	return presence(header, types.FieldSlotNumber, "slot number", chainspec.ForkAmsterdam, amsterdam)
}

// presence checks that field is present when its fork is active and absent
// otherwise.
func presence(h *types.Header, field types.HeaderField, name string, fork chainspec.Fork, active bool) error {
	switch has := h.Has(field); {
	case active && !has:
		return fmt.Errorf("%w: %s (%s)", ErrMissingHeaderField, name, fork)
	case !active && has:
		return fmt.Errorf("%w: %s before %s", ErrUnexpectedHeaderField, name, fork)
	}
	return nil
}

// verifyGasLimit checks the gas limit against the parent's: the change
// must be below parent/1024 and the limit at least MinGasLimit. Before
// London the parent's limit counts doubled, as EIP-1559's elasticity.
func verifyGasLimit(cfg *chainspec.Config, parent, header *types.Header) error {
	pl := parent.GasLimit
	if !cfg.IsLondon(parent.Number) {
		pl *= ElasticityMultiplier
	}
	// The difference is taken in int64, as go-ethereum does: both limits
	// are at most 2^63-1 once validated, so it does not overflow.
	diff := int64(pl) - int64(header.GasLimit)
	if diff < 0 {
		diff = -diff
	}
	bound := pl / GasLimitBoundDivisor
	if uint64(diff) >= bound {
		return fmt.Errorf("%w: have %d, parent %d, want a change below %d", ErrInvalidGasLimit, header.GasLimit, pl, bound)
	}
	if header.GasLimit < MinGasLimit {
		return fmt.Errorf("%w: have %d, min %d", ErrInvalidGasLimit, header.GasLimit, MinGasLimit)
	}
	return nil
}

// verifyBaseFee checks the presence and value of the header's base fee.
func verifyBaseFee(cfg *chainspec.Config, parent, header *types.Header) error {
	if !header.Has(types.FieldBaseFee) {
		return fmt.Errorf("%w: base fee (London)", ErrMissingHeaderField)
	}
	if cfg.IsLondon(parent.Number) && !parent.Has(types.FieldBaseFee) {
		return fmt.Errorf("%w: parent %d has no base fee", ErrMissingHeaderField, parent.Number)
	}
	want, err := CalcBaseFee(cfg, parent)
	if err != nil {
		return fmt.Errorf("%w: have %s: %w", ErrInvalidBaseFee, header.BaseFee.Dec(), err)
	}
	if header.BaseFee != want {
		return fmt.Errorf("%w: have %s, want %s (parent base fee %s, gas used %d, gas limit %d)",
			ErrInvalidBaseFee, header.BaseFee.Dec(), want.Dec(), parent.BaseFee.Dec(), parent.GasUsed, parent.GasLimit)
	}
	return nil
}

// verifyBlobFields checks the Cancun fields: absent before Cancun; from
// Cancun, present with valid blob gas used and the expected excess.
func verifyBlobFields(cfg *chainspec.Config, parent, header *types.Header) error {
	const blobFields = types.FieldBlobGasUsed | types.FieldExcessBlobGas | types.FieldParentBeaconRoot
	if !cfg.IsCancun(header.Time) {
		switch {
		case header.Has(types.FieldExcessBlobGas):
			return fmt.Errorf("%w: excess blob gas %d before Cancun", ErrUnexpectedHeaderField, header.ExcessBlobGas)
		case header.Has(types.FieldBlobGasUsed):
			return fmt.Errorf("%w: blob gas used %d before Cancun", ErrUnexpectedHeaderField, header.BlobGasUsed)
		case header.Has(types.FieldParentBeaconRoot):
			return fmt.Errorf("%w: parent beacon root %s before Cancun", ErrUnexpectedHeaderField, header.ParentBeaconRoot)
		}
		return nil
	}
	if !header.Has(types.FieldParentBeaconRoot) {
		return fmt.Errorf("%w: parent beacon root (Cancun)", ErrMissingHeaderField)
	}
	if !header.Optional.Has(blobFields) {
		if !header.Has(types.FieldExcessBlobGas) {
			return fmt.Errorf("%w: excess blob gas (Cancun)", ErrMissingHeaderField)
		}
		return fmt.Errorf("%w: blob gas used (Cancun)", ErrMissingHeaderField)
	}
	bc, ok := cfg.BlobConfig(header.Time)
	if !ok {
		return fmt.Errorf("%w: no blob schedule at time %d", chainspec.ErrInvalidConfig, header.Time)
	}
	if maxGas := bc.MaxBlobGas(); header.BlobGasUsed > maxGas {
		return fmt.Errorf("%w: have %d, max %d (%d blobs)", ErrTooMuchBlobGas, header.BlobGasUsed, maxGas, bc.Max)
	}
	if header.BlobGasUsed%types.BlobGasPerBlob != 0 {
		return fmt.Errorf("%w: have %d, blob size %d", ErrInvalidBlobGasUsed, header.BlobGasUsed, types.BlobGasPerBlob)
	}
	want := calcExcessBlobGas(cfg.IsOsaka(header.Time), bc, parent)
	if header.ExcessBlobGas != want {
		return fmt.Errorf("%w: have %d, want %d (parent excess %d, blob gas used %d)",
			ErrInvalidExcessBlobGas, header.ExcessBlobGas, want, parent.ExcessBlobGas, parent.BlobGasUsed)
	}
	return nil
}

// CalcBaseFee returns the EIP-1559 base fee of the child of parent: the
// parent's base fee moved towards keeping gas used at half the gas limit,
// by at most 1/8, by at least 1 wei upwards, and chainspec.InitialBaseFee
// for the first London block. From Amsterdam parent.GasUsed is the larger
// of the two gas dimensions (EIP-8037); nothing here depends on that.
//
// It fails with ErrBaseFeeOverflow when the result exceeds 256 bits (which
// no valid header can carry) and with ErrInvalidGasLimit when the parent's
// gas target is zero.
func CalcBaseFee(cfg *chainspec.Config, parent *types.Header) (uint256.Int, error) {
	var fee uint256.Int
	if !cfg.IsLondon(parent.Number) {
		fee.SetUint64(chainspec.InitialBaseFee)
		return fee, nil
	}
	target := parent.GasLimit / ElasticityMultiplier
	if parent.GasUsed == target {
		return parent.BaseFee, nil
	}
	if target == 0 {
		return fee, fmt.Errorf("%w: parent %d has gas limit %d, so no gas target", ErrInvalidGasLimit, parent.Number, parent.GasLimit)
	}
	// change = baseFee * |gasUsed - target| / target / 8, computed as one
	// 512-bit multiply and division: floor(floor(x/t)/8) == floor(x/(8t)).
	var delta, denom uint256.Int
	denom.SetUint64(target)
	denom.Mul(&denom, uint256.NewInt(BaseFeeChangeDenominator))
	if parent.GasUsed > target {
		delta.SetUint64(parent.GasUsed - target)
		change, overflow := new(uint256.Int).MulDivOverflow(&parent.BaseFee, &delta, &denom)
		if overflow {
			return fee, fmt.Errorf("%w: parent %d", ErrBaseFeeOverflow, parent.Number)
		}
		if change.IsZero() {
			change.SetOne()
		}
		if _, overflow := fee.AddOverflow(&parent.BaseFee, change); overflow {
			return uint256.Int{}, fmt.Errorf("%w: parent %d", ErrBaseFeeOverflow, parent.Number)
		}
		return fee, nil
	}
	delta.SetUint64(target - parent.GasUsed)
	var change uint256.Int
	change.MulDivOverflow(&parent.BaseFee, &delta, &denom) // at most baseFee/8: no overflow
	fee.Sub(&parent.BaseFee, &change)
	return fee, nil
}

// CalcExcessBlobGas returns the excess blob gas of a block at time whose
// parent is parent (EIP-4844): the parent's excess plus its blob gas used,
// minus the target of the blob schedule in force at time, floored at 0.
// From Osaka, when the blob base fee is below EIP-7918's reserve price
// (BlobBaseCost * parent base fee per blob), the excess instead grows by
// the parent's blob gas used scaled by (max - target) / max. A parent
// before Cancun counts as zero excess and zero use. It fails with
// chainspec.ErrInvalidConfig when no blob schedule applies at time.
func CalcExcessBlobGas(cfg *chainspec.Config, parent *types.Header, time uint64) (uint64, error) {
	bc, ok := cfg.BlobConfig(time)
	if !ok {
		return 0, fmt.Errorf("%w: no blob schedule at time %d", chainspec.ErrInvalidConfig, time)
	}
	return calcExcessBlobGas(cfg.IsOsaka(time), bc, parent), nil
}

// calcExcessBlobGas is CalcExcessBlobGas with the schedule resolved. The
// arithmetic wraps in uint64 exactly where go-ethereum's does.
func calcExcessBlobGas(osaka bool, bc chainspec.BlobConfig, parent *types.Header) uint64 {
	var parentExcess, parentUsed uint64
	if parent.Has(types.FieldExcessBlobGas) {
		parentExcess, parentUsed = parent.ExcessBlobGas, parent.BlobGasUsed
	}
	excess := parentExcess + parentUsed
	target := bc.TargetBlobGas()
	if excess < target {
		return 0
	}
	if osaka && reservePriceAbove(&parent.BaseFee, parentExcess, bc.UpdateFraction) {
		if bc.Max == 0 {
			return parentExcess // go-ethereum divides by zero here; Validate rejects Max == 0
		}
		return parentExcess + parentUsed*(bc.Max-bc.Target)/bc.Max
	}
	return excess - target
}

// reservePriceAbove reports whether EIP-7918's reserve price,
// BlobBaseCost * baseFee, exceeds the price of one blob at the given excess,
// BlobBaseFee * BlobGasPerBlob. Both sides share the factor 2^13, so the
// comparison is baseFee > BlobBaseFee * 2^4, which is exact in 256 bits: if
// the right side overflows it exceeds any base fee.
func reservePriceAbove(baseFee *uint256.Int, excess, fraction uint64) bool {
	const ratio = types.BlobGasPerBlob / BlobBaseCost // 16
	fee := BlobBaseFee(excess, fraction)
	var price uint256.Int
	if _, overflow := price.MulOverflow(&fee, uint256.NewInt(ratio)); overflow {
		return false
	}
	return baseFee.Gt(&price)
}

// ValidateBody checks a block's body against its (validated) header, as
// go-ethereum's BlockValidator.ValidateBody does, in this order:
//   - from Osaka, the RLP-encoded block (without a block access list) is at
//     most MaxBlockSize bytes (EIP-7934);
//   - there are no uncles and the uncle hash matches;
//   - the transactions hash to the header's transactions root;
//   - withdrawals are present exactly when the header has a withdrawals
//     hash, and hash to it;
//   - the blob count is at most the fork's maximum and equals the header's
//     blob gas used / 2^17; before Cancun there are no blobs.
func ValidateBody(cfg *chainspec.Config, block *types.Block) error {
	h := &block.Header
	if cfg.IsActiveAt(chainspec.ForkOsaka, h.Number, h.Time) {
		if size := block.EncodedSize(); size > MaxBlockSize {
			return fmt.Errorf("%w: %d bytes, max %d", ErrBlockTooLarge, size, MaxBlockSize)
		}
	}
	if len(block.Uncles) > 0 {
		return fmt.Errorf("%w: %d uncles", ErrUnclesNotAllowed, len(block.Uncles))
	}
	if h.UncleHash != types.EmptyListHash {
		return fmt.Errorf("%w: have %s, body gives %s", ErrInvalidUncleHash, h.UncleHash, types.EmptyListHash)
	}
	txs := block.Transactions
	if root := trie.OrderedRoot(len(txs), func(i int, dst []byte) []byte { return txs[i].AppendCanonical(dst) }); root != h.TxHash {
		return fmt.Errorf("%w: header %s, body %s", ErrTxRootMismatch, h.TxHash, root)
	}
	switch {
	case h.Has(types.FieldWithdrawalsHash):
		if block.Withdrawals == nil {
			return fmt.Errorf("%w: header has withdrawals hash %s", ErrMissingWithdrawals, h.WithdrawalsHash)
		}
		ws := block.Withdrawals
		if root := trie.OrderedRoot(len(ws), func(i int, dst []byte) []byte { return ws[i].AppendRLP(dst) }); root != h.WithdrawalsHash {
			return fmt.Errorf("%w: header %s, body %s", ErrWithdrawalsRootMismatch, h.WithdrawalsHash, root)
		}
	case block.Withdrawals != nil:
		return fmt.Errorf("%w: %d withdrawals without a withdrawals hash", ErrUnexpectedWithdrawals, len(block.Withdrawals))
	}
	blobs := uint64(0)
	for _, tx := range txs {
		blobs += uint64(len(tx.BlobHashes))
	}
	if !h.Has(types.FieldBlobGasUsed) {
		if blobs > 0 {
			return fmt.Errorf("%w: %d blobs before Cancun", ErrUnexpectedBlobs, blobs)
		}
		return nil
	}
	if bc, ok := cfg.BlobConfig(h.Time); ok && blobs > bc.Max {
		return fmt.Errorf("%w: %d blobs, max %d", ErrTooManyBlobs, blobs, bc.Max)
	}
	if want := h.BlobGasUsed / types.BlobGasPerBlob; blobs != want {
		return fmt.Errorf("%w: %d blobs, header blob gas used %d (%d blobs)", ErrBlobCountMismatch, blobs, h.BlobGasUsed, want)
	}
	return nil
}
