package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/engine"
	"github.com/balexec/balexec/types"
)

// balVerify checks every block access list of an engine API payload file:
// the payload must build a block with the announced hash, the list must
// decode strictly, re-encode to the same bytes, hash to the header's
// block-access-list hash and pass Validate with the block's gas limit and
// transaction count.
func balVerify(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bal verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	payloads := fs.String("payloads", "", "engine API newPayload request `file` (a JSON array)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *payloads == "" || fs.NArg() != 0 {
		return errors.New("usage: balexec bal verify --payloads FILE")
	}
	data, err := os.ReadFile(*payloads)
	if err != nil {
		return err
	}
	reqs, err := types.ParseNewPayloadRequests(data)
	if err != nil {
		return err
	}
	passed, failed, without := 0, 0, 0
	for i := range reqs {
		req := &reqs[i]
		if req.Payload.BlockAccessList == nil { // absent; "0x" is present and fails
			without++
			continue
		}
		if err := verifyPayloadBAL(req); err != nil {
			failed++
			fmt.Fprintf(stdout, "FAIL block %d (%s): %v\n", uint64(req.Payload.BlockNumber), req.Payload.BlockHash, err)
			continue
		}
		passed++
	}
	fmt.Fprintf(stdout, "%d payloads without a block access list skipped\n", without)
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 || passed == 0 {
		return errFailed
	}
	return nil
}

func verifyPayloadBAL(req *types.NewPayloadRequest) error {
	block, err := engine.Block(req)
	if err != nil {
		return err
	}
	raw := req.Payload.BlockAccessList
	list, err := bal.Decode(raw)
	if err != nil {
		return err
	}
	if enc := list.EncodeRLP(); !bytes.Equal(enc, raw) {
		return fmt.Errorf("re-encoding differs from the payload's bytes (%d vs %d bytes)", len(enc), len(raw))
	}
	h := &block.Header
	if !h.Has(types.FieldBlockAccessListHash) {
		return errors.New("header has no block access list hash")
	}
	if got := list.Hash(); got != h.BlockAccessListHash {
		return fmt.Errorf("block access list hash %s, header has %s", got, h.BlockAccessListHash)
	}
	return list.Validate(h.GasLimit, len(block.Transactions))
}
