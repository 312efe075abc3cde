package types

import "sync"

// encBuf is a temporary encoding buffer shared across goroutines through
// encBufPool; it lets hashing helpers encode without allocating.
type encBuf struct{ b []byte }

// maxPooledBuf bounds the buffers returned to the pool so that one huge
// encoding (a large calldata transaction) does not pin memory forever.
const maxPooledBuf = 64 << 10

var encBufPool = sync.Pool{New: func() any { return &encBuf{b: make([]byte, 0, 1024)} }}

func getEncBuf() *encBuf {
	e := encBufPool.Get().(*encBuf)
	e.b = e.b[:0]
	return e
}

func putEncBuf(e *encBuf) {
	if cap(e.b) <= maxPooledBuf {
		encBufPool.Put(e)
	}
}

// nilIfEmpty returns nil for an empty slice, so that decoded empty byte
// strings compare equal to zero values.
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
