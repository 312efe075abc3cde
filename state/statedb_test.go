package state

import (
	"errors"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

var (
	addrA = types.Address{19: 0xaa}
	addrB = types.Address{19: 0xbb}
	addrC = types.Address{19: 0xcc}
)

func u(x uint64) uint256.Int { return *uint256.NewInt(x) }

// testAccount is an account of a test pre-state; zero storage values are
// absent slots.
type testAccount struct {
	Balance uint256.Int
	Nonce   uint64
	Code    []byte
	Storage map[uint256.Int]uint256.Int
}

// memoryOf returns the in-memory state holding accounts.
func memoryOf(accounts map[types.Address]testAccount) *Memory {
	updates := make([]AccountUpdate, 0, len(accounts))
	for addr, a := range accounts {
		u := AccountUpdate{Address: addr, Nonce: a.Nonce, Balance: a.Balance, CodeHash: types.EmptyCodeHash}
		if len(a.Code) > 0 {
			u.Code, u.CodeHash = a.Code, types.Keccak256One(a.Code)
		}
		for k, v := range a.Storage {
			u.Storage = append(u.Storage, SlotUpdate{Key: k, Value: v})
		}
		updates = append(updates, u)
	}
	m := NewMemory()
	m.Apply(updates)
	return m
}

// testState returns a memory state with A (balance 100, nonce 1, code, slot
// 1 = 5) and an empty existing account C.
func testState() *Memory {
	code := []byte{0x60, 0x00, 0x00}
	return memoryOf(map[types.Address]testAccount{
		addrA: {Balance: u(100), Nonce: 1, Code: code, Storage: map[uint256.Int]uint256.Int{u(1): u(5)}},
		addrC: {},
	})
}

func TestStateReads(t *testing.T) {
	s := New(testState())
	if !s.Exist(addrA) || s.Exist(addrB) || !s.Exist(addrC) {
		t.Fatal("existence wrong")
	}
	if s.Empty(addrA) || !s.Empty(addrB) || !s.Empty(addrC) {
		t.Fatal("emptiness wrong")
	}
	if b := s.GetBalance(addrA); b != u(100) {
		t.Fatalf("balance %v", b.Dec())
	}
	if s.GetNonce(addrA) != 1 || s.GetCodeSize(addrA) != 3 {
		t.Fatal("nonce or code size wrong")
	}
	if h := s.GetCodeHash(addrB); h != (types.Hash{}) {
		t.Fatalf("absent account code hash %v", h)
	}
	if h := s.GetCodeHash(addrC); h != types.EmptyCodeHash {
		t.Fatalf("empty account code hash %v", h)
	}
	if v := s.GetState(addrA, u(1)); v != u(5) {
		t.Fatalf("slot 1 = %v", v.Dec())
	}
	if !s.HasStorage(addrA) || s.HasStorage(addrC) {
		t.Fatal("HasStorage wrong")
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
}

func TestSnapshotRevert(t *testing.T) {
	s := New(testState())
	snap0 := s.Snapshot()
	s.AddBalance(addrA, ptr(u(10)))
	s.SetNonce(addrA, 7)
	s.SetState(addrA, u(1), u(9))
	s.SetState(addrA, u(2), u(3))
	s.SetTransientState(addrA, u(1), u(4))
	s.AddRefund(100)
	s.AddLog(types.Log{Address: addrA})
	s.AddSlotToAccessList(addrB, u(1))
	snap1 := s.Snapshot()
	s.CreateAccount(addrB)
	s.AddBalance(addrB, ptr(u(1)))
	s.SetCode(addrB, []byte{1, 2})
	s.SelfDestruct(addrA)
	if !s.Exist(addrB) || !s.HasSelfDestructed(addrA) {
		t.Fatal("changes not visible")
	}
	s.RevertToSnapshot(snap1)
	if s.Exist(addrB) || s.HasSelfDestructed(addrA) {
		t.Fatal("revert to snap1 incomplete")
	}
	if cur, orig := s.GetStateAndCommitted(addrA, u(1)); cur != u(9) || orig != u(5) {
		t.Fatalf("slot 1 cur %v orig %v", cur.Dec(), orig.Dec())
	}
	s.RevertToSnapshot(snap0)
	if b := s.GetBalance(addrA); b != u(100) || s.GetNonce(addrA) != 1 {
		t.Fatal("balance or nonce not reverted")
	}
	if v := s.GetState(addrA, u(1)); v != u(5) {
		t.Fatal("storage not reverted")
	}
	if v := s.GetTransientState(addrA, u(1)); !v.IsZero() {
		t.Fatal("transient storage not reverted")
	}
	if s.GetRefund() != 0 || len(s.Logs()) != 0 {
		t.Fatal("refund or logs not reverted")
	}
	if ok, slot := s.SlotInAccessList(addrB, u(1)); ok || slot {
		t.Fatal("access list not reverted")
	}
	if c := s.Finalise(); len(c.Accounts) != 0 {
		t.Fatalf("reverted transaction reports changes: %+v", c.Accounts)
	}
}

func ptr(x uint256.Int) *uint256.Int { return &x }

func TestFinaliseEIP161(t *testing.T) {
	s := New(testState())
	// A zero-value credit touches the empty account C and creates an empty B:
	// both are deleted.
	s.AddBalance(addrC, ptr(u(0)))
	s.AddBalance(addrB, ptr(u(0)))
	// Reading an absent account does not create it.
	_ = s.GetBalance(types.Address{1})
	c := s.Finalise()
	if len(c.Accounts) != 2 || !c.Accounts[0].Deleted || !c.Accounts[1].Deleted {
		t.Fatalf("want B and C deleted, got %+v", c.Accounts)
	}
	if c.Accounts[0].Address != addrB || c.Accounts[1].Address != addrC {
		t.Fatal("changes not sorted by address")
	}
}

func TestFinaliseRipemdQuirk(t *testing.T) {
	m := memoryOf(map[types.Address]testAccount{ripemd: {}})
	s := New(m)
	snap := s.Snapshot()
	s.AddBalance(ripemd, ptr(u(0)))
	s.RevertToSnapshot(snap)
	c := s.Finalise()
	if len(c.Accounts) != 1 || !c.Accounts[0].Deleted || c.Accounts[0].Address != ripemd {
		t.Fatalf("the RIPEMD-160 touch must survive the revert: %+v", c.Accounts)
	}
	// Any other empty account loses the touch with the revert.
	s.Reset(memoryOf(map[types.Address]testAccount{addrC: {}}))
	snap = s.Snapshot()
	s.AddBalance(addrC, ptr(u(0)))
	s.RevertToSnapshot(snap)
	if c := s.Finalise(); len(c.Accounts) != 0 {
		t.Fatalf("reverted touch kept: %+v", c.Accounts)
	}
}

func TestFinaliseStorageNetChange(t *testing.T) {
	s := New(testState())
	s.SetState(addrA, u(1), u(6)) // changed
	s.SetState(addrA, u(1), u(5)) // back to original: no write
	s.SetState(addrA, u(2), u(1))
	s.SetState(addrA, u(3), u(1))
	s.SetState(addrA, u(3), u(0)) // 0 -> 1 -> 0: no write
	c := s.Finalise()
	if len(c.Accounts) != 1 {
		t.Fatalf("got %d accounts", len(c.Accounts))
	}
	st := c.Accounts[0].Storage
	if len(st) != 1 || st[0].Key != u(2) || st[0].Value != u(1) {
		t.Fatalf("storage updates %+v", st)
	}
}

func TestSelfDestructDeletes(t *testing.T) {
	s := New(testState())
	s.CreateAccount(addrB)
	s.CreateContract(addrB)
	s.SetNonce(addrB, 1)
	s.SetState(addrB, u(1), u(1))
	if !s.IsNewContract(addrB) {
		t.Fatal("not marked new")
	}
	s.SelfDestruct(addrB)
	if !s.Exist(addrB) {
		t.Fatal("a self-destructed account exists until the end of the transaction")
	}
	c := s.Finalise()
	if len(c.Accounts) != 1 || !c.Accounts[0].Deleted {
		t.Fatalf("%+v", c.Accounts)
	}
}

func TestBlockStateLayers(t *testing.T) {
	mem := testState()
	bs := NewBlockState(mem)
	s := New(bs)
	// tx 1: change A's slot, delete A, create B with a slot.
	s.SetState(addrA, u(1), u(8))
	s.CreateAccount(addrB)
	s.SetNonce(addrB, 1)
	s.SetState(addrB, u(4), u(4))
	if err := bs.Apply(s.Finalise()); err != nil {
		t.Fatal(err)
	}
	s.Reset(bs)
	if v := s.GetState(addrA, u(1)); v != u(8) {
		t.Fatalf("tx 2 sees slot %v", v.Dec())
	}
	if _, orig := s.GetStateAndCommitted(addrA, u(1)); orig != u(8) {
		t.Fatal("original value must be the value at the start of the transaction")
	}
	// tx 2: destroy A (as if created this tx), then tx 3 recreates it.
	s.CreateContract(addrA)
	s.SelfDestruct(addrA)
	if err := bs.Apply(s.Finalise()); err != nil {
		t.Fatal(err)
	}
	s.Reset(bs)
	if s.Exist(addrA) {
		t.Fatal("A still exists")
	}
	s.SetNonce(addrA, 1)
	if v := s.GetState(addrA, u(1)); !v.IsZero() {
		t.Fatal("storage of a deleted account shows through")
	}
	if err := bs.Apply(s.Finalise()); err != nil {
		t.Fatal(err)
	}
	ups := bs.Updates()
	if len(ups) != 2 || ups[0].Address != addrA || !ups[0].Wiped || ups[0].Nonce != 1 || ups[1].Address != addrB {
		t.Fatalf("updates %+v", ups)
	}
	mem.Apply(ups)
	if v, _ := mem.Storage(addrA, u(1)); !v.IsZero() {
		t.Fatal("wiped storage survived Apply")
	}
	if v, _ := mem.Storage(addrB, u(4)); v != u(4) {
		t.Fatal("B's slot missing")
	}
}

type failingReader struct{ Reader }

var errBoom = errors.New("boom")

func (failingReader) Storage(types.Address, uint256.Int) (uint256.Int, error) {
	return uint256.Int{}, errBoom
}

func TestReaderErrorIsKept(t *testing.T) {
	s := New(failingReader{testState()})
	_ = s.GetState(addrA, u(1))
	if !errors.Is(s.Err(), errBoom) {
		t.Fatalf("err %v", s.Err())
	}
}

func TestRefundUnderflowIsAnError(t *testing.T) {
	s := New(testState())
	s.AddRefund(5)
	s.SubRefund(6)
	if !errors.Is(s.Err(), ErrRefundUnderflow) || s.GetRefund() != 0 {
		t.Fatal("underflow not reported")
	}
}

func TestStateNoAllocsSteadyState(t *testing.T) {
	s := New(testState())
	run := func() {
		s.Reset(s.reader)
		s.AddBalance(addrA, ptr(u(1)))
		s.SetState(addrA, u(1), u(2))
		_ = s.GetState(addrA, u(1))
		snap := s.Snapshot()
		s.SetNonce(addrA, 3)
		s.RevertToSnapshot(snap)
		s.Finalise()
	}
	run()
	if n := testing.AllocsPerRun(100, run); n > 0 {
		t.Fatalf("a reused StateDB allocates %v times per transaction", n)
	}
}

// The precompiles Prepare warms are warm until the next Prepare or Reset,
// whatever reverts in between, as are the sender, the destination, the
// coinbase and the access list; nothing else is. Also with a precompile
// list whose addresses do not all start with zero bytes.
func TestAccessListPrecompiles(t *testing.T) {
	low := types.MustHexToAddress("0x0000000000000000000000000000000000000005")
	high := types.MustHexToAddress("0x0100000000000000000000000000000000000100")
	other := types.MustHexToAddress("0x0000000000000000000000000000000000000006")
	sender := types.MustHexToAddress("0x00000000000000000000000000000000000000a1")
	dst := types.MustHexToAddress("0x00000000000000000000000000000000000000b2")
	coinbase := types.MustHexToAddress("0x00000000000000000000000000000000000000c3")
	for _, pre := range [][]types.Address{{low}, {low, high}} {
		s := New(NewMemory())
		s.Prepare(sender, coinbase, &dst, pre, nil)
		snap := s.Snapshot()
		for _, a := range pre {
			s.AddAddressToAccessList(a) // already warm: no journal entry
			s.AddSlotToAccessList(a, *uint256.NewInt(1))
		}
		s.AddAddressToAccessList(other)
		s.RevertToSnapshot(snap)
		for _, a := range append([]types.Address{sender, dst, coinbase}, pre...) {
			if !s.AddressInAccessList(a) {
				t.Fatalf("precompiles %v: %s cold after a revert", pre, a)
			}
			if addrOK, slotOK := s.SlotInAccessList(a, *uint256.NewInt(1)); !addrOK || slotOK {
				t.Fatalf("precompiles %v: slot of %s: address warm %v, slot warm %v after a revert", pre, a, addrOK, slotOK)
			}
		}
		if s.AddressInAccessList(other) {
			t.Fatalf("precompiles %v: %s warm after its revert", pre, other)
		}
		if s.AddressInAccessList(high) != (len(pre) == 2) {
			t.Fatalf("precompiles %v: %s warm %v", pre, high, s.AddressInAccessList(high))
		}
		s.Prepare(sender, coinbase, nil, nil, nil)
		if s.AddressInAccessList(low) || s.AddressInAccessList(dst) {
			t.Fatalf("precompiles %v: warm after a Prepare without them", pre)
		}
		s.Prepare(sender, coinbase, nil, pre, nil)
		s.Reset(NewMemory())
		if s.AddressInAccessList(low) {
			t.Fatalf("precompiles %v: warm after Reset", pre)
		}
	}
}
