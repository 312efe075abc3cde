package bal_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// hexBytes decodes hex with optional spaces and newlines, for readable
// vectors.
func hexBytes(tb testing.TB, s string) []byte {
	tb.Helper()
	s = strings.Join(strings.Fields(s), "")
	b, err := types.DecodeHex(s)
	if err != nil {
		tb.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func addr(s string) types.Address { return types.MustHexToAddress(s) }

// u returns x as a uint256.
func u(x uint64) uint256.Int { return *uint256.NewInt(x) }

// uh parses a hex uint256.
func uh(s string) uint256.Int { return *uint256.MustFromHex(s) }

func up(x uint64) *uint256.Int { return uint256.NewInt(x) }

// payload is one Amsterdam block's BAL from the hive chain.
type payload struct {
	number   uint64
	raw      []byte
	gasLimit uint64
	txCount  int
}

var (
	payloadsOnce sync.Once
	payloadsList []payload
	payloadsErr  error
)

// loadPayloads reads every engine_newPayloadV5 request of the hive chain.
func loadPayloads(tb testing.TB) []payload {
	tb.Helper()
	path := testdata.Repo(tb, "hivechain-amsterdam/newpayload.json")
	payloadsOnce.Do(func() {
		payloadsList, payloadsErr = readPayloads(path)
	})
	if payloadsErr != nil {
		tb.Fatal(payloadsErr)
	}
	return payloadsList
}

func readPayloads(path string) ([]payload, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var reqs []struct {
		Method string `json:"method"`
		Params []json.RawMessage
	}
	if err := json.Unmarshal(data, &reqs); err != nil {
		return nil, err
	}
	var out []payload
	for _, r := range reqs {
		if r.Method != "engine_newPayloadV5" {
			continue
		}
		var p struct {
			BlockNumber     string   `json:"blockNumber"`
			GasLimit        string   `json:"gasLimit"`
			Transactions    []string `json:"transactions"`
			BlockAccessList string   `json:"blockAccessList"`
		}
		if err := json.Unmarshal(r.Params[0], &p); err != nil {
			return nil, err
		}
		raw, err := types.DecodeHex(p.BlockAccessList)
		if err != nil {
			return nil, err
		}
		gas, err := strconv.ParseUint(strings.TrimPrefix(p.GasLimit, "0x"), 16, 64)
		if err != nil {
			return nil, err
		}
		num, err := strconv.ParseUint(strings.TrimPrefix(p.BlockNumber, "0x"), 16, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, payload{number: num, raw: raw, gasLimit: gas, txCount: len(p.Transactions)})
	}
	return out, nil
}

// largestPayload returns the payload with the longest BAL.
func largestPayload(tb testing.TB) payload {
	ps := loadPayloads(tb)
	best := ps[0]
	for _, p := range ps {
		if len(p.raw) > len(best.raw) {
			best = p
		}
	}
	return best
}

func mustDecode(tb testing.TB, b []byte) *bal.BlockAccessList {
	tb.Helper()
	l, err := bal.Decode(b)
	if err != nil {
		tb.Fatalf("decode %x: %v", b, err)
	}
	return l
}

// roundTrip checks that enc decodes and re-encodes to the same bytes.
func roundTrip(tb testing.TB, enc []byte) *bal.BlockAccessList {
	tb.Helper()
	l := mustDecode(tb, enc)
	if got := l.EncodeRLP(); !bytes.Equal(got, enc) {
		tb.Fatalf("re-encoding differs:\n got %x\nwant %x", got, enc)
	}
	if n := l.EncodedSize(); n != len(enc) {
		tb.Fatalf("EncodedSize = %d, want %d", n, len(enc))
	}
	return l
}
