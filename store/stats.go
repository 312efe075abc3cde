package store

import "fmt"

// KindStats is the size of one kind of record.
type KindStats struct {
	Kind Kind
	// Count is the number of records and Bytes the sum of their key and
	// value lengths, counted exactly by a scan.
	Count uint64
	Bytes uint64
	// DiskBytes is pebble's estimate of the table-file bytes holding the
	// kind's key range (compressed, and not counting what is still only in
	// the memtable and write-ahead log). A table that holds several kinds
	// counts for each, so on a small store the kinds add up to more than
	// the total.
	DiskBytes uint64
}

// Stats describe a store.
type Stats struct {
	// Head is the head block (zero when HasHead is false).
	Head    Head
	HasHead bool
	// Kinds holds one entry per kind of record, in the order of the Kind
	// constants.
	Kinds []KindStats
	// DiskBytes is pebble's estimate of all table files.
	DiskBytes uint64
}

// Stats returns the head and the size of the store by kind of record. It
// scans every record once, through a snapshot (so the figures are of one
// committed block even while blocks are committed): a second or so per few
// million records. It keeps nothing in memory beyond the iterator.
func (db *DB) Stats() (Stats, error) {
	snap, err := db.Snapshot()
	if err != nil {
		return Stats{}, err
	}
	defer snap.Close()
	var st Stats
	if st.Head, st.HasHead, err = snap.Head(); err != nil {
		return Stats{}, err
	}
	for _, k := range kinds {
		ks := KindStats{Kind: k}
		lo, hi := prefixBounds(byte(k))
		err := snap.scan(lo, hi, func(key, val []byte) error {
			ks.Count++
			ks.Bytes += uint64(len(key) + len(val))
			return nil
		})
		if err != nil {
			return Stats{}, err
		}
		if ks.DiskBytes, err = db.pdb.EstimateDiskUsage(lo, hi); err != nil {
			return Stats{}, fmt.Errorf("store: disk usage of %s: %w", k, err)
		}
		st.Kinds = append(st.Kinds, ks)
	}
	if st.DiskBytes, err = db.pdb.EstimateDiskUsage([]byte{0}, []byte{0xff}); err != nil {
		return Stats{}, fmt.Errorf("store: disk usage: %w", err)
	}
	return st, nil
}
