package bal_test

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

var (
	alice = addr("0x00000000000000000000000000000000000000a1")
	bob   = addr("0x00000000000000000000000000000000000000b0")
	carol = addr("0x00000000000000000000000000000000000000c0")
)

func build(merges ...func(b *bal.Builder, f *bal.Fragment)) *bal.BlockAccessList {
	var b bal.Builder
	f := bal.NewFragment()
	for _, m := range merges {
		f.Reset()
		m(&b, f)
	}
	return b.Build()
}

func checkBuilt(t *testing.T, got *bal.BlockAccessList, want []bal.AccountAccess) {
	t.Helper()
	if !reflect.DeepEqual(got.Accounts, want) {
		t.Fatalf("built\n %+v\nwant\n %+v", got.Accounts, want)
	}
	if err := got.Validate(testGas, 10); err != nil {
		t.Fatalf("built list invalid: %v", err)
	}
	roundTrip(t, got.EncodeRLP())
}

func TestBuilderMergeRules(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		if got := build(); len(got.Accounts) != 0 || !bytes.Equal(got.EncodeRLP(), []byte{0xc0}) {
			t.Fatalf("empty builder built %+v", got)
		}
	})
	t.Run("touched accounts kept empty", func(t *testing.T) {
		got := build(func(b *bal.Builder, f *bal.Fragment) {
			f.Touch(bob)
			f.Touch(alice)
			f.Touch(bob)
			b.Merge(1, f)
		})
		checkBuilt(t, got, []bal.AccountAccess{{Address: alice}, {Address: bob}})
	})
	t.Run("read then write in one fragment is a write", func(t *testing.T) {
		got := build(func(b *bal.Builder, f *bal.Fragment) {
			f.ReadSlot(alice, up(1))
			f.WriteSlot(alice, up(1), up(9))
			f.WriteSlot(alice, up(2), up(8))
			f.ReadSlot(alice, up(2)) // ignored: already written
			b.Merge(1, f)
		})
		checkBuilt(t, got, []bal.AccountAccess{{Address: alice, StorageChanges: []bal.SlotChanges{
			{Slot: u(1), Writes: []bal.StorageWrite{{Index: 1, Value: u(9)}}},
			{Slot: u(2), Writes: []bal.StorageWrite{{Index: 1, Value: u(8)}}},
		}}})
	})
	t.Run("last write in a fragment wins", func(t *testing.T) {
		got := build(func(b *bal.Builder, f *bal.Fragment) {
			f.WriteSlot(alice, up(1), up(9))
			f.WriteSlot(alice, up(1), up(10))
			f.SetBalance(alice, up(1))
			f.SetBalance(alice, up(2))
			f.SetNonce(alice, 1)
			f.SetNonce(alice, 2)
			f.SetCode(alice, []byte{1})
			f.SetCode(alice, []byte{2, 2})
			b.Merge(1, f)
		})
		checkBuilt(t, got, []bal.AccountAccess{{
			Address:        alice,
			StorageChanges: []bal.SlotChanges{{Slot: u(1), Writes: []bal.StorageWrite{{Index: 1, Value: u(10)}}}},
			BalanceChanges: []bal.BalanceChange{{Index: 1, Balance: u(2)}},
			NonceChanges:   []bal.NonceChange{{Index: 1, Nonce: 2}},
			CodeChanges:    []bal.CodeChange{{Index: 1, Code: []byte{2, 2}}},
		}})
	})
	t.Run("write wins across indices", func(t *testing.T) {
		got := build(
			func(b *bal.Builder, f *bal.Fragment) {
				f.ReadSlot(alice, up(1))
				f.ReadSlot(alice, up(2))
				b.Merge(1, f)
			},
			func(b *bal.Builder, f *bal.Fragment) { f.WriteSlot(alice, up(1), up(5)); b.Merge(2, f) },
			func(b *bal.Builder, f *bal.Fragment) {
				f.ReadSlot(alice, up(1))
				f.ReadSlot(alice, up(3))
				b.Merge(3, f)
			},
			// A read of the same slot by another account stays a read.
			func(b *bal.Builder, f *bal.Fragment) { f.ReadSlot(bob, up(1)); b.Merge(3, f) },
		)
		checkBuilt(t, got, []bal.AccountAccess{
			{
				Address:        alice,
				StorageChanges: []bal.SlotChanges{{Slot: u(1), Writes: []bal.StorageWrite{{Index: 2, Value: u(5)}}}},
				StorageReads:   []uint256.Int{u(2), u(3)},
			},
			{Address: bob, StorageReads: []uint256.Int{u(1)}},
		})
	})
	t.Run("reads union without duplicates", func(t *testing.T) {
		got := build(
			func(b *bal.Builder, f *bal.Fragment) {
				f.ReadSlot(alice, up(7))
				f.ReadSlot(alice, up(1))
				b.Merge(1, f)
			},
			func(b *bal.Builder, f *bal.Fragment) {
				f.ReadSlot(alice, up(1))
				f.ReadSlot(alice, up(4))
				b.Merge(2, f)
			},
		)
		checkBuilt(t, got, []bal.AccountAccess{{Address: alice, StorageReads: []uint256.Int{u(1), u(4), u(7)}}})
	})
	t.Run("same index later merge overwrites", func(t *testing.T) {
		got := build(
			func(b *bal.Builder, f *bal.Fragment) {
				f.WriteSlot(alice, up(1), up(1))
				f.WriteSlot(alice, up(2), up(2))
				f.SetBalance(alice, up(100))
				f.SetNonce(alice, 1)
				f.SetCode(alice, []byte{0xaa})
				b.Merge(0, f)
			},
			func(b *bal.Builder, f *bal.Fragment) {
				f.WriteSlot(alice, up(1), up(11))
				f.SetBalance(alice, up(200))
				f.SetNonce(alice, 2)
				f.SetCode(alice, nil)
				b.Merge(0, f)
			},
		)
		checkBuilt(t, got, []bal.AccountAccess{{
			Address: alice,
			StorageChanges: []bal.SlotChanges{
				{Slot: u(1), Writes: []bal.StorageWrite{{Index: 0, Value: u(11)}}},
				{Slot: u(2), Writes: []bal.StorageWrite{{Index: 0, Value: u(2)}}},
			},
			BalanceChanges: []bal.BalanceChange{{Index: 0, Balance: u(200)}},
			NonceChanges:   []bal.NonceChange{{Index: 0, Nonce: 2}},
			CodeChanges:    []bal.CodeChange{{Index: 0, Code: nil}},
		}})
	})
	t.Run("indices sorted whatever the merge order", func(t *testing.T) {
		got := build(
			func(b *bal.Builder, f *bal.Fragment) {
				f.WriteSlot(carol, up(0x100), up(3))
				f.SetBalance(carol, up(3))
				b.Merge(3, f)
			},
			func(b *bal.Builder, f *bal.Fragment) {
				f.WriteSlot(carol, up(0x100), up(1))
				f.WriteSlot(carol, up(0xff), up(1))
				f.SetBalance(carol, up(1))
				f.Touch(bob)
				b.Merge(1, f)
			},
			func(b *bal.Builder, f *bal.Fragment) {
				f.Touch(alice)
				f.SetNonce(carol, 2)
				b.Merge(2, f)
			},
		)
		checkBuilt(t, got, []bal.AccountAccess{
			{Address: alice},
			{Address: bob},
			{
				Address: carol,
				StorageChanges: []bal.SlotChanges{
					{Slot: u(0xff), Writes: []bal.StorageWrite{{Index: 1, Value: u(1)}}},
					{Slot: u(0x100), Writes: []bal.StorageWrite{{Index: 1, Value: u(1)}, {Index: 3, Value: u(3)}}},
				},
				BalanceChanges: []bal.BalanceChange{{Index: 1, Balance: u(1)}, {Index: 3, Balance: u(3)}},
				NonceChanges:   []bal.NonceChange{{Index: 2, Nonce: 2}},
			},
		})
	})
	t.Run("addresses sorted bytewise", func(t *testing.T) {
		hi := addr("0x01" + strings.Repeat("00", 19))
		lo := addr("0x00" + strings.Repeat("ff", 19))
		got := build(func(b *bal.Builder, f *bal.Fragment) { f.Touch(hi); f.Touch(lo); b.Merge(0, f) })
		checkBuilt(t, got, []bal.AccountAccess{{Address: lo}, {Address: hi}})
	})
}

// A fragment may be reset and reused right after Merge, and the caller's code
// buffer may change after SetCode: the builder keeps copies.
func TestBuilderCopies(t *testing.T) {
	var b bal.Builder
	f := bal.NewFragment()
	code := []byte{1, 2, 3}
	f.SetCode(alice, code)
	f.WriteSlot(alice, up(1), up(1))
	code[0] = 0xff
	b.Merge(1, f)
	f.Reset()
	f.SetCode(alice, []byte{9, 9, 9, 9})
	f.WriteSlot(alice, up(1), up(2))
	b.Merge(2, f)
	f.Reset()
	f.SetCode(bob, []byte{7})
	// not merged
	got := b.Build()
	want := []bal.AccountAccess{{
		Address:        alice,
		StorageChanges: []bal.SlotChanges{{Slot: u(1), Writes: []bal.StorageWrite{{Index: 1, Value: u(1)}, {Index: 2, Value: u(2)}}}},
		CodeChanges:    []bal.CodeChange{{Index: 1, Code: []byte{1, 2, 3}}, {Index: 2, Code: []byte{9, 9, 9, 9}}},
	}}
	checkBuilt(t, got, want)

	// The built list does not alias the builder: more merges, a rebuild and
	// a reset leave it unchanged.
	snapshot := got.EncodeRLP()
	f.Reset()
	f.SetCode(alice, []byte{5})
	f.WriteSlot(carol, up(1), up(1))
	b.Merge(3, f)
	again := b.Build()
	if !bytes.Equal(got.EncodeRLP(), snapshot) {
		t.Fatal("earlier Build result changed")
	}
	if len(again.Accounts) != 2 || len(again.Accounts[0].CodeChanges) != 3 {
		t.Fatalf("rebuild after more merges: %+v", again.Accounts)
	}
	b.Reset()
	if got := b.Build(); len(got.Accounts) != 0 {
		t.Fatal("Reset left entries")
	}
	if !bytes.Equal(again.Accounts[0].CodeChanges[2].Code, []byte{5}) {
		t.Fatal("Reset changed an earlier result")
	}
}

// The zero Fragment and the zero Builder are usable.
func TestZeroValues(t *testing.T) {
	var f bal.Fragment
	var b bal.Builder
	b.Merge(0, &f)
	if got := b.Build(); len(got.Accounts) != 0 {
		t.Fatalf("zero fragment built %+v", got.Accounts)
	}
	f.ReadSlot(alice, up(1))
	f.Reset()
	f.SetNonce(alice, 1)
	b.Reset()
	b.Merge(0, nil)
	b.Merge(1, &f)
	checkBuilt(t, b.Build(), []bal.AccountAccess{{Address: alice, NonceChanges: []bal.NonceChange{{Index: 1, Nonce: 1}}}})
}

// Worked example A of eip7928.md section 8: one ETH transfer in a block that
// also runs the pre- and post-execution system calls. The document elides the
// middle of the parent hash (written by the EIP-2935 call); the full value was
// recovered by regenerating the documented setup with go-ethereum v1.17.10,
// which reproduced the published 345 bytes and hash exactly.
func TestBuilderExampleA(t *testing.T) {
	parentHash := hexBytes(t, "a0bba6b22e184ac3a2401d8b37d3beb9c7c752de62f95421dbbe345cf4b997b1")
	wantHash := types.MustHexToHash("0x0891e9903b685cac56d966500f353125e8477c08e0932d4bad1e7f93b3dec4f2")
	var (
		sender   = addr("0x71562b71999873db5b286df957af199ec94617f7")
		coinbase = addr("0x000000000000000000000000000000000000cb00")
		b0b0     = addr("0x000000000000000000000000000000000000b0b0")
	)
	var b bal.Builder
	f := bal.NewFragment()

	// Index 0: EIP-4788 then EIP-2935, merged separately at the same index.
	f.ReadSlot(beaconRoots, up(0x0a))
	f.WriteSlot(beaconRoots, up(0x0a), up(0x0a))
	f.WriteSlot(beaconRoots, up(0x2009), up(0xbeac))
	b.Merge(0, f)
	f.Reset()
	f.ReadSlot(historyStore, up(0))
	f.WriteSlot(historyStore, up(0), new(uint256.Int).SetBytes(parentHash))
	b.Merge(0, f)

	// Index 1: the transfer.
	f.Reset()
	f.Touch(sender)
	f.SetBalance(sender, up(999960624999999000))
	f.SetNonce(sender, 1)
	f.SetBalance(b0b0, up(1001))
	f.SetBalance(coinbase, up(21000*1_000_000_000))
	b.Merge(1, f)

	// Index 2 = n+1: the four request queues read slots 0..3 (no-op writes
	// are reads).
	for _, q := range []types.Address{withdrawalReq, consolidation, builderDep, builderExit} {
		f.Reset()
		for s := range uint64(4) {
			f.ReadSlot(q, up(s))
		}
		b.Merge(2, f)
	}

	got := b.Build()
	queue := func(a types.Address) string {
		return "de 94" + hex.EncodeToString(a[:]) + "c0 c4 80 01 02 03 c0 c0 c0"
	}
	want := hexBytes(t, "f9 0156"+
		"df 94 000000000000000000000000000000000000b0b0 c0 c0 c5 c4 01 82 03e9 c0 c0"+
		"e3 94 000000000000000000000000000000000000cb00 c0 c0 c9 c8 01 86 1319718a5000 c0 c0"+
		queue(withdrawalReq)+queue(builderExit)+queue(consolidation)+queue(builderDep)+
		"f840 94 0000f90827f1c53a10cb7a02335b175320002935 e6 e5 80 e3 e2 80 a0"+hex.EncodeToString(parentHash)+"c0 c0 c0 c0"+
		"ea 94 000f3df6d732807ef1319fb7b8bb8522d0beac02 d0 c5 0a c3 c2 80 0a c9 82 2009 c5 c4 80 82 beac c0 c0 c0 c0"+
		"e8 94 71562b71999873db5b286df957af199ec94617f7 c0 c0 cb ca 01 88 0de092e3f280a618 c3 c2 01 01 c0")
	if len(want) != 345 {
		t.Fatalf("expected vector is %d bytes, want 345", len(want))
	}
	enc := got.EncodeRLP()
	if !bytes.Equal(enc, want) {
		t.Fatalf("example A encodes as\n %x\nwant\n %x", enc, want)
	}
	if err := got.Validate(60_000_000, 1); err != nil {
		t.Fatal(err)
	}
	if h := got.Hash(); h != wantHash {
		t.Fatalf("example A hash %s, want %s", h, wantHash)
	}
	// The published bytes decode to the same list.
	if dec := roundTrip(t, want); !reflect.DeepEqual(dec, got) {
		t.Fatalf("decoded example A differs from the built one")
	}
}

// ---------------------------------------------------------------------------
// Reference model: the merge semantics written with nested maps, as directly
// as possible, to test the flat-array Builder against.

type refFragAcct struct {
	reads   map[uint256.Int]bool
	writes  map[uint256.Int]uint256.Int
	balance *uint256.Int
	nonce   *uint64
	code    []byte
	hasCode bool
}

type refFragment map[types.Address]*refFragAcct

func (r refFragment) acct(a types.Address) *refFragAcct {
	if r[a] == nil {
		r[a] = &refFragAcct{reads: map[uint256.Int]bool{}, writes: map[uint256.Int]uint256.Int{}}
	}
	return r[a]
}

type refAcct struct {
	writes   map[uint256.Int]map[uint32]uint256.Int
	reads    map[uint256.Int]bool
	balances map[uint32]uint256.Int
	nonces   map[uint32]uint64
	codes    map[uint32][]byte
}

type refBuilder map[types.Address]*refAcct

func (rb refBuilder) merge(index uint32, f refFragment) {
	for a, fa := range f {
		acc := rb[a]
		if acc == nil {
			acc = &refAcct{map[uint256.Int]map[uint32]uint256.Int{}, map[uint256.Int]bool{},
				map[uint32]uint256.Int{}, map[uint32]uint64{}, map[uint32][]byte{}}
			rb[a] = acc
		}
		for s, v := range fa.writes {
			if acc.writes[s] == nil {
				acc.writes[s] = map[uint32]uint256.Int{}
			}
			acc.writes[s][index] = v
			delete(acc.reads, s)
		}
		for s := range fa.reads {
			if _, ok := acc.writes[s]; !ok {
				acc.reads[s] = true
			}
		}
		if fa.balance != nil {
			acc.balances[index] = *fa.balance
		}
		if fa.nonce != nil {
			acc.nonces[index] = *fa.nonce
		}
		if fa.hasCode {
			acc.codes[index] = bytes.Clone(fa.code)
		}
	}
}

func (rb refBuilder) build() []bal.AccountAccess {
	var out []bal.AccountAccess
	cmpU := func(x, y uint256.Int) int { return x.Cmp(&y) }
	for a, acc := range rb {
		e := bal.AccountAccess{Address: a}
		for _, s := range slices.SortedFunc(mapKeys(acc.writes), cmpU) {
			sc := bal.SlotChanges{Slot: s}
			for _, i := range slices.Sorted(mapKeys(acc.writes[s])) {
				sc.Writes = append(sc.Writes, bal.StorageWrite{Index: i, Value: acc.writes[s][i]})
			}
			e.StorageChanges = append(e.StorageChanges, sc)
		}
		e.StorageReads = slices.SortedFunc(mapKeys(acc.reads), cmpU)
		for _, i := range slices.Sorted(mapKeys(acc.balances)) {
			e.BalanceChanges = append(e.BalanceChanges, bal.BalanceChange{Index: i, Balance: acc.balances[i]})
		}
		for _, i := range slices.Sorted(mapKeys(acc.nonces)) {
			e.NonceChanges = append(e.NonceChanges, bal.NonceChange{Index: i, Nonce: acc.nonces[i]})
		}
		for _, i := range slices.Sorted(mapKeys(acc.codes)) {
			code := acc.codes[i]
			if len(code) == 0 {
				code = nil
			}
			e.CodeChanges = append(e.CodeChanges, bal.CodeChange{Index: i, Code: code})
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(x, y bal.AccountAccess) int { return x.Address.Compare(&y.Address) })
	return out
}

func mapKeys[K comparable, V any](m map[K]V) func(yield func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// opDriver turns bytes into a sequence of fragment operations and merges,
// applied to a Fragment/Builder pair and to the reference model at once.
type opDriver struct {
	data []byte
	maxK uint32 // merges use indices 0..maxK
}

func (d *opDriver) next() byte {
	if len(d.data) == 0 {
		return 0
	}
	c := d.data[0]
	d.data = d.data[1:]
	return c
}

var driverAddrs = []types.Address{
	addr("0x00000000000000000000000000000000000000a1"),
	addr("0x00000000000000000000000000000000000000a2"),
	addr("0x0100000000000000000000000000000000000000"),
	addr("0x00ffffffffffffffffffffffffffffffffffffff"),
	addr("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02"),
}

func (d *opDriver) slot() uint256.Int {
	c := d.next()
	if c&0x80 != 0 { // a large slot, sharing low bits with a small one
		var s uint256.Int
		s.Lsh(up(uint64(c&0x7f)), uint(c&7)*40)
		return s
	}
	return u(uint64(c % 8))
}

func (d *opDriver) value() uint256.Int {
	c := d.next()
	var v uint256.Int
	v.Lsh(up(uint64(c)), uint(d.next()%32)*8)
	return v
}

// run applies the operations and returns the built list and the reference's.
func (d *opDriver) run() (*bal.BlockAccessList, []bal.AccountAccess) {
	var b bal.Builder
	f := bal.NewFragment()
	rb := refBuilder{}
	rf := refFragment{}
	for len(d.data) > 0 {
		op := d.next() % 9
		a := driverAddrs[int(d.next())%len(driverAddrs)]
		switch op {
		case 0:
			f.Touch(a)
			rf.acct(a)
		case 1:
			s := d.slot()
			f.ReadSlot(a, &s)
			if fa := rf.acct(a); !hasKey(fa.writes, s) {
				fa.reads[s] = true
			}
		case 2:
			s, v := d.slot(), d.value()
			f.WriteSlot(a, &s, &v)
			fa := rf.acct(a)
			fa.writes[s] = v
			delete(fa.reads, s)
		case 3:
			v := d.value()
			f.SetBalance(a, &v)
			rf.acct(a).balance = &v
		case 4:
			n := uint64(d.next()) << (d.next() % 57)
			f.SetNonce(a, n)
			rf.acct(a).nonce = &n
		case 5:
			code := bytes.Repeat([]byte{d.next()}, int(d.next()%70))
			f.SetCode(a, code)
			fa := rf.acct(a)
			fa.code, fa.hasCode = slices.Clone(code), true
		case 6, 7:
			index := uint32(d.next()) % (d.maxK + 1)
			b.Merge(index, f)
			rb.merge(index, rf)
			f.Reset()
			rf = refFragment{}
		case 8: // a fragment abandoned without merging
			f.Reset()
			rf = refFragment{}
		}
	}
	return b.Build(), rb.build()
}

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}

// checkDriver runs data through the Builder and the reference model and
// requires identical, valid, round-tripping lists.
func checkDriver(t *testing.T, data []byte, txCount uint8) {
	d := opDriver{data: data, maxK: uint32(txCount) + 1}
	got, want := d.run()
	if !reflect.DeepEqual(got.Accounts, want) {
		t.Fatalf("builder and reference differ for %x:\n got %+v\nwant %+v", data, got.Accounts, want)
	}
	if err := got.Validate(1<<62, int(txCount)); err != nil {
		t.Fatalf("built list invalid: %v", err)
	}
	enc := got.EncodeRLP()
	dec, err := bal.Decode(enc)
	if err != nil {
		t.Fatalf("built list does not decode: %v", err)
	}
	if !reflect.DeepEqual(dec, got) {
		t.Fatalf("decode of built list differs:\n got %+v\nwant %+v", dec, got)
	}
}

func TestBuilderAgainstReference(t *testing.T) {
	seed := uint64(20250801)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	for range 300 {
		data := make([]byte, rng.IntN(600))
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		checkDriver(t, data, uint8(rng.IntN(8)))
	}
}

// Recording and merging do not allocate once a worker's Fragment and the
// Builder have grown to their working set.
func TestFragmentAndMergeAllocs(t *testing.T) {
	var b bal.Builder
	f := bal.NewFragment()
	code := []byte{0x60, 0x00, 0x60, 0x00, 0xf3}
	record := func() {
		f.Reset()
		f.Touch(alice)
		f.SetNonce(alice, 7)
		f.SetBalance(alice, up(1000))
		f.SetBalance(bob, up(2000))
		for s := range uint64(20) {
			f.ReadSlot(carol, up(s))
		}
		for s := range uint64(5) {
			f.WriteSlot(carol, up(s), up(s+100))
		}
		f.SetCode(carol, code)
	}
	record()
	if n := testing.AllocsPerRun(100, record); n != 0 {
		t.Fatalf("recording a fragment allocates %v times", n)
	}
	merge := func() {
		b.Reset()
		for i := range uint32(8) {
			b.Merge(i, f)
		}
	}
	merge()
	if n := testing.AllocsPerRun(100, merge); n != 0 {
		t.Fatalf("Merge allocates %v times", n)
	}
}

// A Fragment scans its accounts and slots while it holds few and indexes
// them once it holds more; reused through Reset across sizes on both sides
// of each threshold (and past the size at which Reset drops its maps), it
// records the same list as the reference model.
func TestFragmentScanAndIndex(t *testing.T) {
	var b bal.Builder
	rb := refBuilder{}
	f := bal.NewFragment()
	var zero bal.Fragment // the zero value records too
	frags := []*bal.Fragment{f, &zero}
	for i, n := range []int{1, 8, 9, 16, 17, 3, 40, 1100, 2, 1025, 5} {
		g := frags[i%2]
		g.Reset()
		rf := refFragment{}
		acct := func(j int) types.Address {
			var a types.Address
			a[0], a[18], a[19] = byte(i), byte(j>>8), byte(j)
			return a
		}
		for j := range n {
			a := acct(j)
			g.Touch(a)
			rf.acct(a)
			v := u(uint64(j + 1))
			g.SetBalance(a, &v)
			rf.acct(a).balance = &v
		}
		owner := acct(0)
		fa := rf.acct(owner)
		for j := range n {
			s := u(uint64(j))
			g.ReadSlot(owner, &s)
			if !hasKey(fa.writes, s) {
				fa.reads[s] = true
			}
			if j%3 == 0 {
				v := u(uint64(1000 + j))
				g.WriteSlot(owner, &s, &v)
				fa.writes[s] = v
				delete(fa.reads, s)
			}
		}
		// Again, now found rather than added: a read after a write stays a
		// write, a second write replaces the value.
		for j := range n {
			s := u(uint64(j))
			g.ReadSlot(owner, &s)
			if j%2 == 0 {
				v := u(uint64(5000 + j))
				g.WriteSlot(owner, &s, &v)
				fa.writes[s] = v
				delete(fa.reads, s)
			}
			g.Touch(acct(n - 1 - j))
		}
		b.Merge(uint32(i), g)
		rb.merge(uint32(i), rf)
	}
	got, want := b.Build(), rb.build()
	if !reflect.DeepEqual(got.Accounts, want) {
		t.Fatalf("builder and reference differ:\n got %d accounts\nwant %d", len(got.Accounts), len(want))
	}
	if err := got.Validate(1<<62, 20); err != nil {
		t.Fatal(err)
	}
}
