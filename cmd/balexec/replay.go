package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/engine"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
)

// replay imports a chain on top of a genesis file and checks every block:
// header validity, and after execution the gas used, bloom, receipts root,
// requests hash, block access list (from Amsterdam) and state root. Blocks
// come from a file of concatenated RLP blocks (--chain) or from an engine API
// newPayload file (--payloads), whose Amsterdam payloads also carry the block
// access list: it is checked before execution and must equal, byte for byte,
// the list execution builds. With --state-dump the final state must equal a
// go-ethereum state dump. Replay stops at the first block that fails, since
// its descendants cannot be imported.
func replay(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	genesisFile := fs.String("genesis", "", "go-ethereum genesis `file`")
	chainFile := fs.String("chain", "", "`file` of concatenated RLP blocks")
	payloadFile := fs.String("payloads", "", "engine API newPayload request `file` (a JSON array)")
	dumpFile := fs.String("state-dump", "", "go-ethereum state dump `file` the final state must equal")
	parallel := fs.Int("parallel", 0, "run blocks that come with their access list on the parallel executor with `n` workers (0: sequential)")
	rules := rulesFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *genesisFile == "" || (*chainFile == "") == (*payloadFile == "") || fs.NArg() != 0 {
		return errors.New("usage: balexec replay --genesis FILE (--chain FILE | --payloads FILE) [--state-dump FILE] [--parallel N] [--rules NAME]")
	}
	profile, err := rules.profile()
	if err != nil {
		return err
	}
	f, err := os.Open(*genesisFile)
	if err != nil {
		return err
	}
	g, err := chainspec.ReadGenesis(f)
	f.Close()
	if err != nil {
		return err
	}
	if profile != nil {
		g.Config.Profile = *profile
	}
	gh, err := g.Header()
	if err != nil {
		return err
	}
	blocks, lists, err := loadBlocks(*chainFile, *payloadFile)
	if err != nil {
		return err
	}
	chain, err := exec.NewChain(g.Config, &gh, g.Alloc)
	if err != nil {
		return err
	}
	if *parallel > 0 {
		chain.EnableParallel(*parallel, 0)
	}
	fmt.Fprintf(stdout, "genesis %s, %d blocks\n", gh.Hash(), len(blocks))
	passed, failed := 0, 0
	for i, b := range blocks {
		res, err := chain.InsertWithAccessList(b, lists[i])
		if err == nil && lists[i] != nil {
			if built := res.AccessList.EncodeRLP(); !bytes.Equal(built, lists[i]) {
				err = fmt.Errorf("built block access list differs from the payload's (%d vs %d bytes)", len(built), len(lists[i]))
			}
		}
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "block %d %s: FAIL %v\n", b.Header.Number, b.Hash(), err)
			if rest := len(blocks) - i - 1; rest > 0 {
				fmt.Fprintf(stdout, "%d later blocks not run: their ancestor was rejected\n", rest)
			}
			break
		}
		passed++
		fmt.Fprintf(stdout, "block %d %s: ok, %d txs, %d gas\n", b.Header.Number, b.Hash(), len(b.Transactions), res.GasUsed)
	}
	if failed == 0 && *dumpFile != "" {
		if err := checkDump(chain, *dumpFile); err != nil {
			failed++
			fmt.Fprintf(stdout, "final state: FAIL %v\n", err)
		} else {
			fmt.Fprintf(stdout, "final state: ok, equals %s\n", *dumpFile)
		}
	}
	if *parallel > 0 {
		st := chain.ParallelStats()
		fmt.Fprintf(stdout, "parallel executor: %d blocks accepted, %d sent to the sequential run\n", st.Parallel, st.Sequential)
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return errFailed
	}
	return nil
}

// loadBlocks reads the blocks to replay, with their block access lists (nil
// where a block has none), from an RLP chain file or a payload file.
func loadBlocks(chainFile, payloadFile string) ([]*types.Block, [][]byte, error) {
	if chainFile != "" {
		data, err := os.ReadFile(chainFile)
		if err != nil {
			return nil, nil, err
		}
		blocks, err := splitBlocks(data)
		return blocks, make([][]byte, len(blocks)), err
	}
	data, err := os.ReadFile(payloadFile)
	if err != nil {
		return nil, nil, err
	}
	reqs, err := types.ParseNewPayloadRequests(data)
	if err != nil {
		return nil, nil, err
	}
	var (
		blocks []*types.Block
		lists  [][]byte
	)
	for i := range reqs {
		r := &reqs[i]
		if r.Payload.BlockNumber == 0 {
			continue // the genesis, which the genesis file gives
		}
		b, err := engine.Block(r)
		if err != nil {
			return nil, nil, fmt.Errorf("payload %d (block %d): %w", i, uint64(r.Payload.BlockNumber), err)
		}
		blocks = append(blocks, b)
		var list []byte
		if len(r.Payload.BlockAccessList) > 0 {
			list = r.Payload.BlockAccessList
		}
		lists = append(lists, list)
	}
	return blocks, lists, nil
}

// checkDump compares the head state with a state dump: the dump's own root
// must be what its accounts hash to, and the head's state root.
func checkDump(chain *exec.Chain, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	d, err := chainspec.ReadDump(f)
	if err != nil {
		return err
	}
	root, err := d.Alloc().Root()
	if err != nil {
		return err
	}
	if root != d.Root {
		return fmt.Errorf("the dump's accounts hash to %s, not its root %s", root, d.Root)
	}
	if head := chain.Head(); head.Root != root {
		return fmt.Errorf("head block %d has state root %s, the dump %s", head.Number, head.Root, root)
	}
	return nil
}

// splitBlocks decodes concatenated RLP blocks.
func splitBlocks(data []byte) ([]*types.Block, error) {
	var out []*types.Block
	for len(data) > 0 {
		_, _, rest, err := rlp.Split(data)
		if err != nil {
			return nil, fmt.Errorf("block %d of the chain file: %w", len(out)+1, err)
		}
		b, err := types.DecodeBlock(data[:len(data)-len(rest)])
		if err != nil {
			return nil, fmt.Errorf("block %d of the chain file: %w", len(out)+1, err)
		}
		out = append(out, b)
		data = rest
	}
	return out, nil
}
