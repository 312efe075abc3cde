package gethpeer

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/beacon/engine"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
)

// HiveWorkload builds the "hive" workload from a chain given as a genesis
// file and the engine API newPayload requests (V2 to V5) that build it, in
// order, as hive's hivechain writes them (genesis.json and newpayload.json).
// go-ethereum's engine.ExecutableDataToBlock turns each payload into a block,
// checks its hash and attaches its block access list, as engine_newPayload
// does; blocks numbered below firstTimed are imported during setup.
func HiveWorkload(genesisJSON, payloadsJSON []byte, firstTimed uint64) (*Workload, error) {
	var reqs []struct {
		Method string            `json:"method"`
		Params []json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal(payloadsJSON, &reqs); err != nil {
		return nil, fmt.Errorf("%w: hive payloads: %v", ErrSetup, err)
	}
	var (
		blocks []*types.Block
		timed  = -1
	)
	for i, r := range reqs {
		b, err := payloadBlock(r.Params)
		if errors.Is(err, errGenesisPayload) {
			continue // the genesis file is the genesis
		}
		if err != nil {
			return nil, fmt.Errorf("%w: hive payload %d (%s): %v", ErrSetup, i, r.Method, err)
		}
		if n := b.NumberU64(); n != uint64(len(blocks))+1 {
			return nil, fmt.Errorf("%w: hive payload %d is block %d, want %d", ErrSetup, i, n, len(blocks)+1)
		}
		if b.NumberU64() == firstTimed {
			timed = len(blocks)
		}
		blocks = append(blocks, b)
	}
	if timed < 0 {
		return nil, fmt.Errorf("%w: hive chain has no block %d", ErrSetup, firstTimed)
	}
	return newWorkload("hive", genesisJSON, blocks, timed), nil
}

// errGenesisPayload marks the payload of block 0, which hivechain writes
// with the rest (its hash is not that of a payload-form header).
var errGenesisPayload = errors.New("payload of the genesis block")

// payloadBlock decodes a newPayload request's parameters (payload, then from
// V3 the versioned hashes and the beacon root, then from V4 the requests)
// into a block with its access list.
func payloadBlock(ps []json.RawMessage) (*types.Block, error) {
	if len(ps) == 0 {
		return nil, fmt.Errorf("no payload")
	}
	var (
		data     engine.ExecutableData
		hashes   []common.Hash
		root     *common.Hash
		requests [][]byte
	)
	if err := json.Unmarshal(ps[0], &data); err != nil {
		return nil, err
	}
	if data.Number == 0 {
		return nil, errGenesisPayload
	}
	if len(ps) > 1 {
		if err := json.Unmarshal(ps[1], &hashes); err != nil {
			return nil, err
		}
	}
	if len(ps) > 2 {
		if err := json.Unmarshal(ps[2], &root); err != nil {
			return nil, err
		}
	}
	if len(ps) > 3 {
		var reqs []hexutil.Bytes
		if err := json.Unmarshal(ps[3], &reqs); err != nil {
			return nil, err
		}
		requests = make([][]byte, len(reqs))
		for i, r := range reqs {
			requests[i] = r
		}
	}
	return engine.ExecutableDataToBlock(data, hashes, root, requests)
}
