package types

import "github.com/balexec/balexec/internal/keccak"

// BloomLength is the size of a logs bloom in bytes (2048 bits).
const BloomLength = 256

// Bloom is the 2048-bit logs bloom filter of a receipt or a block header.
// Each added item sets three bits chosen by its Keccak-256 hash.
type Bloom [BloomLength]byte

// bloomBits returns, for each of the three bits data sets, the byte index in
// the big-endian bloom and the bit mask. Each bit position is the low 11 bits
// of one of the first three big-endian 16-bit words of keccak256(data).
func bloomBits(data []byte) (idx [3]int, mask [3]byte) {
	if f := frequent(data); f != nil {
		return f.idx, f.mask
	}
	return computeBloomBits(data)
}

// frequent returns the entry of frequentBloom for data, or nil.
func frequent(data []byte) *frequentItem {
	for i := range frequentBloom {
		if f := &frequentBloom[i]; string(data) == f.data {
			return f
		}
	}
	return nil
}

func computeBloomBits(data []byte) (idx [3]int, mask [3]byte) {
	return hashBloomBits(Keccak256One(data))
}

// hashBloomBits is bloomBits for an item whose hash is h.
func hashBloomBits(h [32]byte) (idx [3]int, mask [3]byte) {
	for i := range 3 {
		pos := (uint(h[2*i])<<8 | uint(h[2*i+1])) & 0x7ff // bit 0 = least significant
		idx[i] = BloomLength - 1 - int(pos>>3)
		mask[i] = 1 << (pos & 7)
	}
	return idx, mask
}

// frequentBloom holds the bloom bits of values that appear in most logs from
// Amsterdam on, computed once (read-only afterwards): the address of the
// EIP-7708 transfer logs of every value transfer, and the topic those logs
// share with every ERC-20 and ERC-721 Transfer event. Comparing with them
// costs a few nanoseconds; a hash costs hundreds.
var frequentBloom = func() (out [2]frequentItem) {
	for i, d := range []string{
		"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe",
		"\xdd\xf2\x52\xad\x1b\xe2\xc8\x9b\x69\xc2\xb0\x68\xfc\x37\x8d\xaa\x95\x2b\xa7\xf1\x63\xc4\xa1\x16\x28\xf5\x5a\x4d\xf5\x23\xb3\xef",
	} {
		out[i].data = d
		out[i].idx, out[i].mask = computeBloomBits([]byte(d))
	}
	return out
}()

type frequentItem struct {
	data string
	idx  [3]int
	mask [3]byte
}

// Add sets the three bits of data in b.
func (b *Bloom) Add(data []byte) {
	b.set(bloomBits(data))
}

// Test reports whether all three bits of data are set in b. A false result
// is definite; a true one may be a false positive.
func (b *Bloom) Test(data []byte) bool {
	idx, mask := bloomBits(data)
	return b[idx[0]]&mask[0] == mask[0] &&
		b[idx[1]]&mask[1] == mask[1] &&
		b[idx[2]]&mask[2] == mask[2]
}

// Or sets b to the union of b and o.
func (b *Bloom) Or(o *Bloom) {
	for i := range b {
		b[i] |= o[i]
	}
}

// AddLog adds the address and every topic of l to b.
func (b *Bloom) AddLog(l *Log) {
	var q bloomQueue
	q.addLog(b, l, nil, 0)
	q.flush(b, nil)
}

// LogsBloom returns the bloom of logs: each log's address and topics. The
// items that need hashing are hashed up to 16 at a time with
// keccak.SumMany.
func LogsBloom(logs []Log) Bloom {
	var (
		b Bloom
		q bloomQueue
	)
	for i := range logs {
		q.addLog(&b, &logs[i], nil, 0)
	}
	q.flush(&b, nil)
	return b
}

// SetBlooms sets the bloom of every receipt of rs from its logs, as
// LogsBloom does, hashing the items of all the receipts together, up to 16
// at a time: a receipt has few items (a transfer's log two that need
// hashing), and hashing them receipt by receipt would leave most of
// keccak.SumMany's lanes empty.
func SetBlooms(rs []*Receipt) {
	var q bloomQueue
	for j, r := range rs {
		r.Bloom = Bloom{}
		for i := range r.Logs {
			q.addLog(&r.Bloom, &r.Logs[i], rs, j)
		}
	}
	q.flush(nil, rs)
}

// bloomQueue holds items waiting to be hashed together. Their bits go to
// one bloom, or, when the items come from several receipts, to the bloom of
// the receipt each came from (by its position: a pointer kept in the queue
// would move every caller's bloom to the heap).
type bloomQueue struct {
	n    int
	ins  [16][]byte
	of   [16]int32
	sums [16][32]byte
}

// addLog adds the address and every topic of l to b, which is rs[j]'s
// bloom when rs is not nil; l must stay unchanged until the next flush.
func (q *bloomQueue) addLog(b *Bloom, l *Log, rs []*Receipt, j int) {
	q.add(b, l.Address[:], rs, j)
	for i := range l.Topics {
		q.add(b, l.Topics[i][:], rs, j)
	}
}

// add sets the bits of data in b (rs[j]'s bloom when rs is not nil), at
// once when it is a frequent item and otherwise at the next flush; data
// must stay unchanged until then.
func (q *bloomQueue) add(b *Bloom, data []byte, rs []*Receipt, j int) {
	if f := frequent(data); f != nil {
		b.set(f.idx, f.mask)
		return
	}
	q.ins[q.n], q.of[q.n] = data, int32(j)
	q.n++
	if q.n == len(q.ins) {
		q.flush(b, rs)
	}
}

// flush hashes the queued items and sets their bits in b, or in the blooms
// of the receipts of rs they came from when rs is not nil.
func (q *bloomQueue) flush(b *Bloom, rs []*Receipt) {
	keccak.SumMany(q.sums[:q.n], q.ins[:q.n])
	for i := range q.n {
		dst := b
		if rs != nil {
			dst = &rs[q.of[i]].Bloom
		}
		dst.set(hashBloomBits(q.sums[i]))
	}
	q.n = 0
}

// set sets the three bits given by idx and mask.
func (b *Bloom) set(idx [3]int, mask [3]byte) {
	b[idx[0]] |= mask[0]
	b[idx[1]] |= mask[1]
	b[idx[2]] |= mask[2]
}

// MarshalText implements encoding.TextMarshaler.
func (b Bloom) MarshalText() ([]byte, error) {
	out := make([]byte, 2+2*BloomLength)
	copy(out, "0x")
	const digits = "0123456789abcdef"
	for i, v := range b {
		out[2+2*i] = digits[v>>4]
		out[3+2*i] = digits[v&15]
	}
	return out, nil
}

// UnmarshalText implements encoding.TextUnmarshaler; it requires exactly 256
// bytes of hex, with or without the 0x prefix.
func (b *Bloom) UnmarshalText(t []byte) error { return decodeFixedHex(b[:], string(t)) }
