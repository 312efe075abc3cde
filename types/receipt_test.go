package types_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
)

func sampleLogs() []types.Log {
	return []types.Log{
		{Address: types.Address{0xaa}, Topics: []types.Hash{{1}, {2}}, Data: []byte{1, 2, 3}},
		{Address: types.Address{0xbb}},
		{Address: types.Address{0xcc}, Topics: []types.Hash{{3}}, Data: bytes.Repeat([]byte{9}, 100)},
	}
}

func TestReceiptRoundTrip(t *testing.T) {
	logs := sampleLogs()
	cases := []types.Receipt{
		{Type: types.LegacyTxType, Status: types.ReceiptStatusSuccessful, CumulativeGasUsed: 21000},
		{Type: types.LegacyTxType, Status: types.ReceiptStatusFailed, CumulativeGasUsed: 1 << 40, Logs: logs[:1]},
		{Type: types.LegacyTxType, PostState: bytes.Repeat([]byte{7}, 32), CumulativeGasUsed: 5},
		{Type: types.AccessListTxType, Status: types.ReceiptStatusSuccessful, Logs: logs},
		{Type: types.DynamicFeeTxType, Status: types.ReceiptStatusFailed},
		{Type: types.BlobTxType, Status: types.ReceiptStatusSuccessful, Logs: logs[1:]},
		{Type: types.SetCodeTxType, Status: types.ReceiptStatusSuccessful, CumulativeGasUsed: 99},
	}
	for i := range cases {
		r := cases[i]
		r.Bloom = types.LogsBloom(r.Logs)
		enc := r.AppendConsensus(nil)
		if len(enc) != r.ConsensusSize() {
			t.Fatalf("case %d: ConsensusSize %d, encoding %d", i, r.ConsensusSize(), len(enc))
		}
		if r.Type != types.LegacyTxType && enc[0] != r.Type {
			t.Fatalf("case %d: typed receipt does not start with its type", i)
		}
		dec, err := types.DecodeReceipt(enc)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !reflect.DeepEqual(*dec, r) {
			t.Fatalf("case %d: decoded %+v\nwant %+v", i, dec, r)
		}
		if !bytes.Equal(dec.AppendConsensus(nil), enc) {
			t.Fatalf("case %d: re-encoding differs", i)
		}
	}
	// The status field's three forms.
	ok := types.Receipt{Status: types.ReceiptStatusSuccessful}
	failed := types.Receipt{Status: types.ReceiptStatusFailed}
	if e := listElems(t, ok.AppendConsensus(nil)); !bytes.Equal(e[0], []byte{0x01}) {
		t.Fatalf("success status encodes as %x", e[0])
	}
	if e := listElems(t, failed.AppendConsensus(nil)); !bytes.Equal(e[0], []byte{0x80}) {
		t.Fatalf("failure status encodes as %x", e[0])
	}
}

func TestReceiptDecodeRejects(t *testing.T) {
	r := types.Receipt{Type: types.DynamicFeeTxType, Status: 1, CumulativeGasUsed: 7, Logs: sampleLogs()}
	r.Bloom = types.LogsBloom(r.Logs)
	enc := r.AppendConsensus(nil)
	legacy := append([]byte(nil), enc[1:]...)
	logWith := func(elems ...[]byte) []byte { return withField(t, legacy, 3, rlpList(rlpList(elems...))) }
	addr := rlp.AppendBytes(nil, make([]byte, 20))
	cases := []struct {
		name string
		enc  []byte
		want error
	}{
		{"empty", nil, types.ErrMalformed},
		{"type 5", append([]byte{5}, legacy...), types.ErrTxTypeNotSupported},
		{"type 0 as typed", append([]byte{0}, legacy...), types.ErrTxTypeNotSupported},
		{"type byte only", []byte{2}, types.ErrMalformed},
		{"string", rlp.AppendBytes(nil, legacy), types.ErrTxTypeNotSupported},
		{"status 0x00", withField(t, legacy, 0, []byte{0x00}), rlp.ErrWrongLength},
		{"status 2", withField(t, legacy, 0, []byte{0x02}), rlp.ErrWrongLength},
		{"post-state 31 bytes", withField(t, legacy, 0, rlp.AppendBytes(nil, make([]byte, 31))), rlp.ErrWrongLength},
		{"bloom 255 bytes", withField(t, legacy, 2, rlp.AppendBytes(nil, make([]byte, 255))), rlp.ErrWrongLength},
		{"gas leading zero", withField(t, legacy, 1, []byte{0x82, 0, 7}), rlp.ErrCanonInt},
		{"logs as string", withField(t, legacy, 3, []byte{0x80}), rlp.ErrExpectedList},
		{"extra field", withField(t, legacy, 4, []byte{0x80}), rlp.ErrTooManyElements},
		{"missing logs", withField(t, legacy, 3, nil), rlp.ErrTooFewElements},
		{"log address 19 bytes", logWith(rlp.AppendBytes(nil, make([]byte, 19)), []byte{0xc0}, []byte{0x80}), rlp.ErrWrongLength},
		{"log topic 31 bytes", logWith(addr, rlpList(rlp.AppendBytes(nil, make([]byte, 31))), []byte{0x80}), rlp.ErrWrongLength},
		{"log data as list", logWith(addr, []byte{0xc0}, []byte{0xc0}), rlp.ErrExpectedString},
		{"log extra field", logWith(addr, []byte{0xc0}, []byte{0x80}, []byte{0x80}), rlp.ErrTooManyElements},
		{"trailing bytes", append(bytes.Clone(enc), 0xc0), rlp.ErrTrailingBytes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := types.DecodeReceipt(c.enc); !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
		})
	}
}

func TestLogsHash(t *testing.T) {
	// No logs: keccak256(rlp([])), the hash state tests expect for
	// transactions that log nothing.
	if got := types.LogsHash(nil); got != types.MustHexToHash("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347") {
		t.Fatalf("LogsHash(nil) = %x", got)
	}
	logs := sampleLogs()
	var want []byte
	for i := range logs {
		want = append(want, logs[i].AppendRLP(nil)...)
	}
	if got := types.LogsHash(logs); got != types.Keccak256One(rlpList(want)) {
		t.Fatalf("LogsHash = %x", got)
	}
	for i := range logs {
		dec, err := types.DecodeLog(logs[i].AppendRLP(nil))
		if err != nil || !reflect.DeepEqual(dec, logs[i]) {
			t.Fatalf("log %d: %+v %v", i, dec, err)
		}
	}
	// A single log: [address, [topics], data] by hand.
	l := logs[0]
	hand := rlpList(rlp.AppendBytes(nil, l.Address[:]),
		rlpList(rlp.AppendBytes(nil, l.Topics[0][:]), rlp.AppendBytes(nil, l.Topics[1][:])),
		rlp.AppendBytes(nil, l.Data))
	if !bytes.Equal(l.AppendRLP(nil), hand) {
		t.Fatalf("log encoding %x, want %x", l.AppendRLP(nil), hand)
	}
}

func TestBloom(t *testing.T) {
	var b types.Bloom
	items := [][]byte{{}, []byte("a"), make([]byte, 20), make([]byte, 32), []byte("balexec")}
	for _, it := range items {
		b.Add(it)
	}
	for _, it := range items {
		if !b.Test(it) {
			t.Fatalf("added item %x not found", it)
		}
	}
	// Each Add sets at most three bits, at the positions given by the low
	// 11 bits of the first three 16-bit words of the keccak hash.
	var one types.Bloom
	one.Add([]byte("x"))
	h := types.Keccak256One([]byte("x"))
	var want types.Bloom
	for i := 0; i < 6; i += 2 {
		bit := (uint(h[i])<<8 | uint(h[i+1])) & 2047
		want[255-bit/8] |= 1 << (bit % 8)
	}
	if one != want {
		t.Fatalf("bloom of \"x\" differs from the 3x11-bit rule")
	}
	// The bloom of receipts is the union of their logs' blooms.
	logs := sampleLogs()
	rs := []types.Receipt{{Logs: logs[:1]}, {}, {Logs: logs[1:]}}
	for i := range rs {
		rs[i].Bloom = types.LogsBloom(rs[i].Logs)
	}
	var union types.Bloom
	for i := range rs {
		union.Or(&rs[i].Bloom)
	}
	if union != types.LogsBloom(logs) {
		t.Fatal("receipt bloom is not the union of the logs' blooms")
	}
	y := []byte("y")
	if a := testing.AllocsPerRun(100, func() { b.Add(y) }); a != 0 && !raceEnabled {
		t.Fatalf("Bloom.Add allocates %v times", a)
	}
	txt, _ := one.MarshalText()
	var back types.Bloom
	if err := back.UnmarshalText(txt); err != nil || back != one {
		t.Fatalf("bloom text round trip: %v", err)
	}
}

// TestLogsBloomBatches checks LogsBloom and Bloom.AddLog, which hash the
// items of their logs in batches, against adding each address and topic
// with Bloom.Add:
// for random logs around and past the batch size, with the frequent items
// (the EIP-7708 log address, the Transfer topic) among them.
func TestLogsBloomBatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	system := types.MustHexToAddress("0xfffffffffffffffffffffffffffffffffffffffe")
	transfer := types.Keccak256One([]byte("Transfer(address,address,uint256)"))
	var (
		receipts []*types.Receipt
		wants    []types.Bloom
	)
	for n := range 41 {
		logs := make([]types.Log, n)
		var want types.Bloom
		for i := range logs {
			l := &logs[i]
			if rng.IntN(3) == 0 {
				l.Address = system
			} else {
				fillRandom(rng, l.Address[:])
			}
			l.Topics = make([]types.Hash, rng.IntN(5))
			for j := range l.Topics {
				if rng.IntN(3) == 0 {
					l.Topics[j] = transfer
				} else {
					fillRandom(rng, l.Topics[j][:])
				}
			}
			want.Add(l.Address[:])
			for j := range l.Topics {
				want.Add(l.Topics[j][:])
			}
		}
		if got := types.LogsBloom(logs); got != want {
			t.Fatalf("%d logs: LogsBloom differs from adding each item", n)
		}
		var each types.Bloom
		for i := range logs {
			each.AddLog(&logs[i])
		}
		if each != want {
			t.Fatalf("%d logs: AddLog log by log differs from adding each item", n)
		}
		r := &types.Receipt{Logs: logs}
		fillRandom(rng, r.Bloom[:]) // a stale bloom, which SetBlooms replaces
		receipts, wants = append(receipts, r), append(wants, want)
	}
	// SetBlooms hashes the items of many receipts together: every receipt,
	// in any run of them, gets its own bloom.
	for _, run := range [][2]int{{0, 41}, {0, 1}, {1, 3}, {5, 6}, {7, 30}, {3, 3}} {
		rs := receipts[run[0]:run[1]]
		types.SetBlooms(rs)
		for i, r := range rs {
			if r.Bloom != wants[run[0]+i] {
				t.Fatalf("SetBlooms over receipts %d to %d: receipt %d's bloom differs from adding each item", run[0], run[1], run[0]+i)
			}
		}
		for _, r := range rs {
			fillRandom(rng, r.Bloom[:])
		}
	}
	logs := make([]types.Log, 8)
	for i := range logs {
		fillRandom(rng, logs[i].Address[:])
		logs[i].Topics = make([]types.Hash, 3)
	}
	if a := testing.AllocsPerRun(100, func() { _ = types.LogsBloom(logs) }); a != 0 && !raceEnabled {
		t.Fatalf("LogsBloom allocates %v times", a)
	}
	if a := testing.AllocsPerRun(100, func() { types.SetBlooms(receipts) }); a != 0 && !raceEnabled {
		t.Fatalf("SetBlooms allocates %v times", a)
	}
}

func fillRandom(rng *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
}

// BenchmarkReceiptBlooms sets the blooms of 1,000 receipts of a transfer
// log each (EIP-7708: the system address, the Transfer topic and two
// addresses), receipt by receipt with LogsBloom and all at once with
// SetBlooms.
func BenchmarkReceiptBlooms(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	system := types.MustHexToAddress("0xfffffffffffffffffffffffffffffffffffffffe")
	transfer := types.Keccak256One([]byte("Transfer(address,address,uint256)"))
	rs := make([]*types.Receipt, 1000)
	for i := range rs {
		l := types.Log{Address: system, Topics: []types.Hash{transfer, {}, {}}}
		fillRandom(rng, l.Topics[1][12:])
		fillRandom(rng, l.Topics[2][12:])
		rs[i] = &types.Receipt{Logs: []types.Log{l}}
	}
	b.Run("each", func(b *testing.B) {
		for b.Loop() {
			for _, r := range rs {
				r.Bloom = types.LogsBloom(r.Logs)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rs)), "ns/receipt")
	})
	b.Run("together", func(b *testing.B) {
		for b.Loop() {
			types.SetBlooms(rs)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rs)), "ns/receipt")
	})
}
