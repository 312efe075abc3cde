package exec

import (
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
)

// flatWindow is how many recent blocks the flat state can be moved back
// over (a reorg at most this deep keeps it), each block's updates and undo
// kept in memory: about what a client keeps for short reorgs.
const flatWindow = 64

// flatState is the in-memory chain's state after one block (at), kept flat
// for O(1) reads instead of walks down the state trie, and moved from block
// to block by each block's updates. The updates and undo of the last
// flatWindow blocks let it move to any of their states: back along the
// chain with the undos, forward along another branch with the updates.
// When a block's parent is out of that reach the chain reads it through the
// trie instead, and the flat state stays where it was.
//
// A flatState belongs to the Chain's goroutine; its Memory is read
// concurrently by a block's workers only while no block is being applied.
type flatState struct {
	mem    *state.Memory
	at     types.Hash
	recent map[types.Hash]*flatBlock
	order  []types.Hash // recent, oldest first
}

// flatBlock is what moves the flat state across one block.
type flatBlock struct {
	parent  types.Hash
	updates []state.AccountUpdate
	undo    []state.AccountUpdate
}

func newFlatState(mem *state.Memory, at types.Hash) *flatState {
	return &flatState{mem: mem, at: at, recent: make(map[types.Hash]*flatBlock)}
}

// moveTo brings the flat state to the state after block target, and
// reports whether it could.
func (f *flatState) moveTo(target types.Hash) bool {
	if f.at == target {
		return true
	}
	// The current block's ancestors within reach, nearest first.
	back := []types.Hash{f.at}
	for h := f.at; ; {
		b, ok := f.recent[h]
		if !ok {
			break
		}
		h = b.parent
		back = append(back, h)
	}
	depth := make(map[types.Hash]int, len(back))
	for i, h := range back {
		depth[h] = i
	}
	// Walk back from target to the first of them.
	var forward []*flatBlock // target first
	h := target
	for {
		if _, ok := depth[h]; ok {
			break
		}
		b, ok := f.recent[h]
		if !ok {
			return false
		}
		forward = append(forward, b)
		h = b.parent
	}
	for _, cur := range back[:depth[h]] {
		f.mem.Apply(f.recent[cur].undo)
	}
	for i := len(forward) - 1; i >= 0; i-- {
		f.mem.Apply(forward[i].updates)
	}
	f.at = target
	return true
}

// apply moves the flat state from its block, the parent of block hash,
// across that block's updates, and remembers how to move back.
func (f *flatState) apply(hash types.Hash, updates []state.AccountUpdate) {
	undo := f.mem.ApplyWithUndo(updates)
	if _, ok := f.recent[hash]; !ok {
		f.order = append(f.order, hash)
	}
	f.recent[hash] = &flatBlock{parent: f.at, updates: updates, undo: undo}
	f.at = hash
	for len(f.order) > flatWindow {
		delete(f.recent, f.order[0])
		f.order = f.order[1:]
	}
}
