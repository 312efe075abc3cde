package store

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
)

// DefaultCacheSize is pebble's block cache size when Options.CacheSize is 0.
const DefaultCacheSize = 256 << 20

// bloomBitsPerKey sizes the bloom filter of every table: with 10 bits per key
// a point read of an absent key (a new account, an unset slot; common in
// blocks) skips a table with a false-positive rate near 1%.
const bloomBitsPerKey = 10

// Options configure Open. The zero value opens a writable store with the
// default cache.
type Options struct {
	// CacheSize is the size in bytes of pebble's block cache, the only
	// memory the store itself keeps (0: DefaultCacheSize). Any positive size
	// works; a small one (a few MiB) makes reads go to the files, for
	// measurements.
	CacheSize int64
	// ReadOnly opens an existing store without writing anything: no
	// recovery flush, no compactions, no format record; CommitBlock returns
	// ErrReadOnly. The store must exist.
	ReadOnly bool
}

// DB is a balexec store over one pebble database. Its embedded [View] reads
// the latest committed state; [DB.CommitBlock] writes a block.
//
// Every method is safe for concurrent use, except Close, which must not run
// concurrently with any other call (as with pebble). Calls after Close return
// ErrClosed.
type DB struct {
	View

	pdb      *pebble.DB
	readOnly bool
	closed   atomic.Bool

	// commitMu serialises CommitBlock: each block's flat-state diff is
	// computed against the head the previous commit left.
	commitMu sync.Mutex
}

// Open opens the store in dir, creating it (and dir) unless opts.ReadOnly.
// A new store gets a format record; an existing one must carry the record
// of FormatVersion, else the error wraps ErrFormat. After a crash, Open
// recovers the store as of the last committed block.
func Open(dir string, opts Options) (*DB, error) {
	po := &pebble.Options{
		CacheSize:          opts.CacheSize,
		ReadOnly:           opts.ReadOnly,
		ErrorIfNotExists:   opts.ReadOnly,
		FormatMajorVersion: pebble.FormatNewest,
		Logger:             quietLogger{},
	}
	if po.CacheSize <= 0 {
		po.CacheSize = DefaultCacheSize
	}
	for i := range po.Levels {
		po.Levels[i].FilterPolicy = bloom.FilterPolicy(bloomBitsPerKey)
		po.Levels[i].FilterType = pebble.TableFilter
	}
	pdb, err := pebble.Open(dir, po)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	db := &DB{pdb: pdb, readOnly: opts.ReadOnly}
	db.View = View{r: pdb, db: db}
	if err := db.checkFormat(); err != nil {
		_ = pdb.Close()
		return nil, err
	}
	return db, nil
}

// checkFormat reads the format record, writing it into an empty writable
// store.
func (db *DB) checkFormat() error {
	k := []byte{prefixFormat}
	v, closer, err := db.pdb.Get(k)
	if err == nil {
		version, ok := decodeFormat(v)
		closer.Close()
		switch {
		case !ok:
			return fmt.Errorf("%w: the format record is not a balexec store's", ErrFormat)
		case version != FormatVersion:
			return fmt.Errorf("%w: format version %d, this build reads %d", ErrFormat, version, FormatVersion)
		}
		return nil
	}
	if !errors.Is(err, pebble.ErrNotFound) {
		return fmt.Errorf("store: read format record: %w", err)
	}
	// No format record: a new store, or another database.
	it, err := db.pdb.NewIter(nil)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	empty := !it.First()
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	switch {
	case !empty:
		return fmt.Errorf("%w: no format record in a non-empty database", ErrFormat)
	case db.readOnly:
		return fmt.Errorf("%w: empty database without a format record (opened read-only)", ErrFormat)
	}
	if err := db.pdb.Set(k, appendFormat(nil, FormatVersion), pebble.Sync); err != nil {
		return fmt.Errorf("store: write format record: %w", err)
	}
	return nil
}

// Close closes the store. Snapshots must be closed first.
func (db *DB) Close() error {
	if db.closed.Swap(true) {
		return ErrClosed
	}
	if err := db.pdb.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Snapshot returns a view of the store as it is now, unaffected by later
// commits: a reader for a block that executes while the next commit is
// written, or a consistent Stats-like scan. It must be closed, before the
// store.
func (db *DB) Snapshot() (*Snapshot, error) {
	if db.closed.Load() {
		return nil, ErrClosed
	}
	s := &Snapshot{snap: db.pdb.NewSnapshot()}
	s.View = View{r: s.snap, db: db, snapClosed: &s.closed}
	return s, nil
}

// Snapshot is a point-in-time [View] of a store. It is safe for concurrent
// use; Close must not run concurrently with other calls.
type Snapshot struct {
	View
	snap   *pebble.Snapshot
	closed atomic.Bool
}

// Close releases the snapshot.
func (s *Snapshot) Close() error {
	if s.closed.Swap(true) {
		return ErrClosed
	}
	return s.snap.Close()
}

// quietLogger drops pebble's informational messages and passes errors and
// fatal errors to pebble's default logger (the standard log package).
type quietLogger struct{}

func (quietLogger) Infof(string, ...any) {}
func (quietLogger) Errorf(format string, args ...any) {
	pebble.DefaultLogger.Errorf(format, args...)
}
func (quietLogger) Fatalf(format string, args ...any) {
	pebble.DefaultLogger.Fatalf(format, args...)
}
