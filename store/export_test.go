package store

import (
	"bytes"
	"context"
	"encoding/binary"

	"github.com/balexec/balexec/types"
	"github.com/cockroachdb/pebble/v2"
	"github.com/holiman/uint256"
)

// Internals for the tests of package store_test.

var (
	EncodeAccount = func(a *types.Account) []byte { return appendAccount(nil, a) }
	DecodeAccount = decodeAccount
	EncodeSlot    = func(v *uint256.Int) []byte { return appendSlot(nil, v) }
	DecodeSlot    = decodeSlot
)

const MaxAccountRecord = maxAccountRecord

func AccountKey(addr types.Address) []byte { k := accountKey(&addr); return k[:] }

func StorageKey(addr types.Address, slot uint256.Int) []byte {
	k := storageKey(&addr, &slot)
	return k[:]
}

func StorageRange(addr types.Address) (lo, hi []byte) {
	l, h := storageRange(&addr)
	return l[:], h[:]
}

func CodeKey(h types.Hash) []byte       { k := hashKey(prefixCode, &h); return k[:] }
func NodeKey(h types.Hash) []byte       { k := hashKey(prefixNode, &h); return k[:] }
func HeaderKey(h types.Hash) []byte     { k := hashKey(prefixHeader, &h); return k[:] }
func AccessListKey(h types.Hash) []byte { k := hashKey(prefixBAL, &h); return k[:] }
func CanonicalKey(n uint64) []byte      { k := canonicalKey(n); return k[:] }

var (
	HeadKey   = []byte{prefixHead}
	FormatKey = []byte{prefixFormat}
)

func EncodeFormat(version uint32) []byte { return appendFormat(nil, version) }

// RawSet writes one record as is, bypassing every check: the tests'
// way of damaging a store.
func RawSet(db *DB, key, value []byte) error { return db.pdb.Set(key, value, pebble.Sync) }

// RawDelete deletes one record as is.
func RawDelete(db *DB, key []byte) error { return db.pdb.Delete(key, pebble.Sync) }

// RawBatch returns a pebble batch over the store's database, for bulk
// generation of flat records in benchmarks; commit it with CommitRaw.
func RawBatch(db *DB) *pebble.Batch { return db.pdb.NewBatch() }

// CommitRaw commits a raw batch without sync.
func CommitRaw(b *pebble.Batch) error { return b.Commit(pebble.NoSync) }

// Flush flushes the memtable and compacts everything, so that reads go to
// table files.
func Flush(db *DB) error { return db.pdb.Flush() }

// Metrics returns pebble's metrics (block cache hits and misses).
func Metrics(db *DB) *pebble.Metrics { return db.pdb.Metrics() }

// Compact compacts the whole key space, settling the LSM after a bulk load.
func Compact(db *DB) error {
	return db.pdb.Compact(context.Background(), []byte{0}, []byte{0xff}, true)
}

// RecodeChange decodes a diff or undo record and encodes it again.
func RecodeChange(b []byte) ([]byte, error) {
	entries, err := decodeChange(b)
	if err != nil {
		return nil, err
	}
	var w changeWriter
	w.reset()
	for _, e := range entries {
		w.account(&e.addr, e.exists, e.clear, e.acct)
		for _, s := range e.slots {
			w.slot((*[32]byte)(s.key), s.value)
		}
	}
	return bytes.Clone(w.finish()), nil
}

// DiffKey and UndoKey are the keys of a block's history records.
func DiffKey(n uint64, h types.Hash) []byte { k := historyKey(prefixDiff, n, &h); return k[:] }
func UndoKey(n uint64, h types.Hash) []byte { k := historyKey(prefixUndo, n, &h); return k[:] }

// RawGet reads one record as is.
func RawGet(db *DB, key []byte) ([]byte, error) {
	v, ok, err := readRecord(db.pdb, key)
	if err == nil && !ok {
		err = ErrNotFound
	}
	return v, err
}

// HistoryNumbers returns the block numbers of the stored diff records.
func HistoryNumbers(db *DB) ([]uint64, error) {
	var out []uint64
	lo, hi := prefixBounds(prefixDiff)
	err := db.scan(lo, hi, func(k, _ []byte) error {
		out = append(out, binary.BigEndian.Uint64(k[1:9]))
		return nil
	})
	return out, err
}
