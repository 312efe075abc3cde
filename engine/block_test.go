package engine_test

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/balexec/balexec/engine"
	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
)

// The hive chain: 600 blocks (1..600) from Shanghai at genesis through
// Amsterdam at block 36, and the 601 engine API requests (blocks 0..600)
// that deliver them.
type hiveChain struct {
	raw      [][]byte // block encodings from chain.rlp
	payloads []types.NewPayloadRequest
}

var (
	hiveOnce sync.Once
	hive     hiveChain
	hiveErr  error
)

func readRepoFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(testdata.Repo(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func loadHive(t testing.TB) *hiveChain {
	t.Helper()
	chain := readRepoFile(t, "hivechain-amsterdam/chain.rlp")
	payloads := readRepoFile(t, "hivechain-amsterdam/newpayload.json")
	hiveOnce.Do(func() {
		hiveErr = func() error {
			for rest := chain; len(rest) > 0; {
				_, _, r, err := rlp.Split(rest)
				if err != nil {
					return err
				}
				hive.raw = append(hive.raw, rest[:len(rest)-len(r)])
				rest = r
			}
			var err error
			hive.payloads, err = types.ParseNewPayloadRequests(payloads)
			return err
		}()
	})
	if hiveErr != nil {
		t.Fatal(hiveErr)
	}
	return &hive
}

// TestHivePayloadToBlock builds every block from its engine API request and
// compares it with chain.rlp byte for byte.
func TestHivePayloadToBlock(t *testing.T) {
	h := loadHive(t)
	if len(h.raw) != 600 || len(h.payloads) != 601 {
		t.Fatalf("got %d blocks and %d payloads, want 600 and 601", len(h.raw), len(h.payloads))
	}
	versions := map[int]int{}
	bals := 0
	for i := range h.payloads {
		req := &h.payloads[i]
		versions[req.Version]++
		blk, err := engine.Block(req)
		if i == 0 {
			// The genesis header has the genesis difficulty (0x20000),
			// which a payload cannot express.
			if !errors.Is(err, engine.ErrBlockHashMismatch) || blk == nil {
				t.Fatalf("genesis payload: got %v, want ErrBlockHashMismatch", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("payload %d (%s): %v", i, req.Method, err)
		}
		if got := blk.AppendRLP(nil); !bytes.Equal(got, h.raw[i-1]) {
			t.Fatalf("payload %d: built block differs from chain.rlp", i)
		}
		if req.Payload.BlockAccessList != nil {
			bals++
			if blk.Header.BlockAccessListHash != types.Keccak256One(req.Payload.BlockAccessList) {
				t.Fatalf("payload %d: BAL hash mismatch", i)
			}
		}
	}
	if bals != 565 || versions[5] != 565 || versions[4] != 24 || versions[3] != 6 || versions[2] != 6 {
		t.Fatalf("versions %v, %d access lists", versions, bals)
	}

	// A payload whose block hash is wrong is rejected with the built block.
	req := h.payloads[len(h.payloads)-1]
	req.Payload.BlockHash[0] ^= 1
	if blk, err := engine.Block(&req); !errors.Is(err, engine.ErrBlockHashMismatch) || blk == nil {
		t.Fatalf("tampered payload: %v", err)
	}
	// So is one whose versioned hashes do not match its blob transactions.
	for i := range h.payloads {
		r := h.payloads[i]
		if len(r.VersionedHashes) == 0 {
			continue
		}
		r.VersionedHashes = r.VersionedHashes[1:]
		if _, err := engine.Block(&r); !errors.Is(err, engine.ErrVersionedHashMismatch) {
			t.Fatalf("payload %d without its first versioned hash: %v", i, err)
		}
		break
	}
}

func TestPayloadBlockRejects(t *testing.T) {
	h := loadHive(t)
	// withTx: a V5 payload with one transaction and no blobs; withWd: one
	// with withdrawals.
	var withTx, withWd types.NewPayloadRequest
	for _, r := range h.payloads {
		switch {
		case r.Version != 5:
		case len(r.Payload.Transactions) > 0 && len(r.VersionedHashes) == 0 && withTx.Version == 0:
			withTx = r
		case len(r.Payload.Withdrawals) > 0 && withWd.Version == 0:
			withWd = r
		}
	}
	if withTx.Version == 0 || withWd.Version == 0 {
		t.Fatal("no V5 payload with a transaction, or none with withdrawals")
	}
	build := func(base types.NewPayloadRequest, f func(p *types.NewPayloadRequest)) error {
		r := base
		r.Payload.Transactions = slices.Clone(base.Payload.Transactions)
		r.Payload.Withdrawals = slices.Clone(base.Payload.Withdrawals)
		f(&r)
		_, err := engine.Block(&r)
		return err
	}
	for _, base := range []types.NewPayloadRequest{withTx, withWd} {
		if err := build(base, func(*types.NewPayloadRequest) {}); err != nil {
			t.Fatalf("unchanged payload: %v", err)
		}
	}
	cases := []struct {
		name string
		base types.NewPayloadRequest
		f    func(p *types.NewPayloadRequest)
		want error
	}{
		{"extra data 33 bytes", withTx, func(p *types.NewPayloadRequest) { p.Payload.ExtraData = make([]byte, 33) }, types.ErrInvalidPayload},
		{"undecodable transaction", withTx, func(p *types.NewPayloadRequest) { p.Payload.Transactions[0] = []byte{0x05, 0xc0} }, types.ErrTxTypeNotSupported},
		{"empty access list bytes", withTx, func(p *types.NewPayloadRequest) { p.Payload.BlockAccessList = []byte{} }, types.ErrInvalidPayload},
		{"malformed access list", withTx, func(p *types.NewPayloadRequest) { p.Payload.BlockAccessList = []byte{0xc1} }, types.ErrInvalidPayload},
		{"extra versioned hash", withTx, func(p *types.NewPayloadRequest) { p.VersionedHashes = append(p.VersionedHashes, types.Hash{1}) }, engine.ErrVersionedHashMismatch},
		// Every list root and the requests hash enter the block hash.
		{"transaction dropped", withTx, func(p *types.NewPayloadRequest) { p.Payload.Transactions = nil }, engine.ErrBlockHashMismatch},
		{"transaction added", withWd, func(p *types.NewPayloadRequest) { p.Payload.Transactions = withTx.Payload.Transactions }, engine.ErrBlockHashMismatch},
		{"withdrawal changed", withWd, func(p *types.NewPayloadRequest) { p.Payload.Withdrawals[0].Amount++ }, engine.ErrBlockHashMismatch},
		{"withdrawals dropped", withWd, func(p *types.NewPayloadRequest) { p.Payload.Withdrawals = p.Payload.Withdrawals[:0] }, engine.ErrBlockHashMismatch},
		{"requests dropped", withTx, func(p *types.NewPayloadRequest) { p.Version = 3 }, engine.ErrBlockHashMismatch},
	}
	for _, c := range cases {
		if err := build(c.base, c.f); !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
	}
}

// FuzzPayloadBlock builds blocks from mutated hive payloads: no input
// panics, a failure carries one of the documented sentinels, and a block
// that builds hashes to the payload's blockHash.
func FuzzPayloadBlock(f *testing.F) {
	h := loadHive(f)
	f.Add(uint16(40), uint16(0), byte(0))
	f.Add(uint16(100), uint16(3), byte(0x80))
	f.Add(uint16(600), uint16(200), byte(0xff))
	f.Fuzz(func(t *testing.T, which, at uint16, x byte) {
		r := h.payloads[int(which)%len(h.payloads)]
		txs := make([][]byte, len(r.Payload.Transactions))
		for i, tx := range r.Payload.Transactions {
			txs[i] = bytes.Clone(tx)
		}
		r.Payload.Transactions = txs
		if len(txs) > 0 {
			tx := txs[int(at)%len(txs)]
			if len(tx) > 0 {
				tx[int(at)%len(tx)] ^= x
			}
		}
		blk, err := engine.Block(&r)
		switch {
		case err == nil:
			if blk.Hash() != r.Payload.BlockHash {
				t.Fatalf("built block hashes to %s, payload says %s", blk.Hash(), r.Payload.BlockHash)
			}
		case errors.Is(err, engine.ErrBlockHashMismatch):
			if blk == nil {
				t.Fatal("hash mismatch without the built block")
			}
		case errors.Is(err, types.ErrInvalidPayload), errors.Is(err, engine.ErrVersionedHashMismatch):
		default:
			t.Fatalf("error without a sentinel: %v", err)
		}
	})
}
