package keccak

// absorbPermute8Generic is what absorbPermute8 does, in Go, one state
// after the other: XOR blk[.][j] into state j of s (into a zero state if
// bit j of keep is clear) and permute it.
func absorbPermute8Generic(s *[25][8]uint64, blk *[lanes][8]uint64, keep uint8) {
	for j := range 8 {
		var a [25]uint64
		if keep>>j&1 == 1 {
			for i := range a {
				a[i] = s[i][j]
			}
		}
		for i := range blk {
			a[i] ^= blk[i][j]
		}
		permute(&a)
		for i := range a {
			s[i][j] = a[i]
		}
	}
}
