package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
)

// replay imports a chain of RLP blocks on top of a genesis file and checks
// every block: header validity, and after execution the gas used, bloom,
// receipts root, requests hash and state root. It stops at the first block
// that fails, since its descendants cannot be imported.
func replay(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	genesisFile := fs.String("genesis", "", "go-ethereum genesis `file`")
	chainFile := fs.String("chain", "", "`file` of concatenated RLP blocks")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *genesisFile == "" || *chainFile == "" || fs.NArg() != 0 {
		return errors.New("usage: balexec replay --genesis FILE --chain FILE")
	}
	f, err := os.Open(*genesisFile)
	if err != nil {
		return err
	}
	g, err := exec.ReadGenesis(f)
	f.Close()
	if err != nil {
		return err
	}
	gh, err := g.Header()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(*chainFile)
	if err != nil {
		return err
	}
	blocks, err := splitBlocks(data)
	if err != nil {
		return err
	}
	chain, err := exec.NewChain(g.Config, &gh, g.Alloc)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "genesis %s, %d blocks\n", gh.Hash(), len(blocks))
	passed, failed := 0, 0
	for i, b := range blocks {
		res, err := chain.Insert(b)
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
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return errFailed
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
