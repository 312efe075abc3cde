package types_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/balexec/balexec/types"
)

// hiveRequest returns the raw JSON of the first hive request of method.
func hiveRequest(t *testing.T, method string) map[string]any {
	var all []map[string]any
	if err := json.Unmarshal(readRepoFile(t, "hivechain-amsterdam/newpayload.json"), &all); err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r["method"] == method {
			return r
		}
	}
	t.Fatalf("no %s request", method)
	return nil
}

func TestPayloadParse(t *testing.T) {
	h := loadHive(t)
	// Spot-check one request of each version against the chain.
	seen := map[int]bool{}
	for _, r := range h.payloads {
		if seen[r.Version] || r.Payload.BlockNumber == 0 {
			continue
		}
		seen[r.Version] = true
		b := h.blocks[r.Payload.BlockNumber-1]
		p := &r.Payload
		if p.StateRoot != b.Header.Root || p.ReceiptsRoot != b.Header.ReceiptHash || p.LogsBloom != b.Header.Bloom ||
			p.GasUsed != b.Header.GasUsed || p.Timestamp != b.Header.Time || p.BaseFeePerGas != b.Header.BaseFee ||
			p.PrevRandao != b.Header.MixDigest || p.FeeRecipient != b.Header.Coinbase {
			t.Fatalf("%s for block %d: fields differ from the header", r.Method, p.BlockNumber)
		}
		if (r.Version >= 3) != (r.ParentBeaconRoot != nil) || (r.Version >= 4) != (r.ExecutionRequests != nil) ||
			(r.Version == 5) != (p.BlockAccessList != nil) || (r.Version == 5) != (p.SlotNumber != nil) {
			t.Fatalf("%s: optional parameters inconsistent with the version", r.Method)
		}
		if r.Version >= 3 && *r.ParentBeaconRoot != b.Header.ParentBeaconRoot {
			t.Fatalf("%s: beacon root", r.Method)
		}
	}
	if len(seen) != 4 {
		t.Fatalf("versions seen: %v", seen)
	}
}

func TestPayloadParseRejects(t *testing.T) {
	type mut func(req map[string]any)
	payload := func(req map[string]any) map[string]any {
		return req["params"].([]any)[0].(map[string]any)
	}
	set := func(field string, v any) mut {
		return func(req map[string]any) { payload(req)[field] = v }
	}
	del := func(field string) mut {
		return func(req map[string]any) { delete(payload(req), field) }
	}
	param := func(i int, v any) mut {
		return func(req map[string]any) { req["params"].([]any)[i] = v }
	}
	cases := []struct {
		name   string
		method string
		mut    mut
		want   error
	}{
		{"unknown method", "engine_newPayloadV5", func(r map[string]any) { r["method"] = "engine_newPayloadV9" }, types.ErrInvalidPayload},
		{"too few params", "engine_newPayloadV5", func(r map[string]any) { r["params"] = r["params"].([]any)[:3] }, types.ErrInvalidPayload},
		{"quantity without 0x", "engine_newPayloadV5", set("gasUsed", "123"), types.ErrBadHex},
		{"quantity leading zero", "engine_newPayloadV5", set("gasUsed", "0x0123"), types.ErrBadHex},
		{"empty quantity", "engine_newPayloadV5", set("timestamp", "0x"), types.ErrBadHex},
		{"quantity over 64 bits", "engine_newPayloadV5", set("blockNumber", "0x10000000000000000"), types.ErrBadHex},
		{"base fee over 256 bits", "engine_newPayloadV5", set("baseFeePerGas", "0x1"+strings.Repeat("0", 64)), types.ErrBadHex},
		{"odd extra data", "engine_newPayloadV5", set("extraData", "0x123"), types.ErrBadHex},
		{"bloom too short", "engine_newPayloadV5", set("logsBloom", "0x00"), types.ErrBadHex},
		{"hash too long", "engine_newPayloadV5", set("stateRoot", "0x"+strings.Repeat("00", 33)), types.ErrBadHex},
		{"missing blockHash", "engine_newPayloadV5", del("blockHash"), types.ErrInvalidPayload},
		{"missing transactions", "engine_newPayloadV5", del("transactions"), types.ErrInvalidPayload},
		{"bad transaction hex", "engine_newPayloadV5", set("transactions", []any{"0xzz"}), types.ErrBadHex},
		{"V5 without slot", "engine_newPayloadV5", del("slotNumber"), types.ErrInvalidPayload},
		{"V5 without access list", "engine_newPayloadV5", del("blockAccessList"), types.ErrInvalidPayload},
		{"V5 null withdrawals", "engine_newPayloadV5", set("withdrawals", nil), types.ErrInvalidPayload},
		{"V5 null versioned hashes", "engine_newPayloadV5", param(1, nil), types.ErrInvalidPayload},
		{"V5 null beacon root", "engine_newPayloadV5", param(2, nil), types.ErrInvalidPayload},
		{"V5 null requests", "engine_newPayloadV5", param(3, nil), types.ErrInvalidPayload},
		{"V5 empty request", "engine_newPayloadV5", param(3, []any{"0x01"}), types.ErrInvalidRequests},
		{"V5 unordered requests", "engine_newPayloadV5", param(3, []any{"0x0101", "0x0001"}), types.ErrInvalidRequests},
		{"V4 with slot", "engine_newPayloadV4", set("slotNumber", "0x1"), types.ErrInvalidPayload},
		{"V4 with access list", "engine_newPayloadV4", set("blockAccessList", "0xc0"), types.ErrInvalidPayload},
		{"V3 without blob gas", "engine_newPayloadV3", set("blobGasUsed", nil), types.ErrInvalidPayload},
		{"V2 with blob gas", "engine_newPayloadV2", set("blobGasUsed", "0x0"), types.ErrInvalidPayload},
		{"withdrawal bad amount", "engine_newPayloadV5", set("withdrawals", []any{map[string]any{"index": "0x1", "validatorIndex": "0x1", "address": "0x0000000000000000000000000000000000000001", "amount": "1"}}), types.ErrBadHex},
		{"withdrawal missing address", "engine_newPayloadV5", set("withdrawals", []any{map[string]any{"index": "0x1", "validatorIndex": "0x1", "amount": "0x1"}}), types.ErrInvalidPayload},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := hiveRequest(t, c.method)
			c.mut(req)
			data, err := json.Marshal([]any{req})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := types.ParseNewPayloadRequests(data); !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
		})
	}
	// Unmutated, each parses.
	for _, m := range []string{"engine_newPayloadV2", "engine_newPayloadV3", "engine_newPayloadV4", "engine_newPayloadV5"} {
		data, _ := json.Marshal([]any{hiveRequest(t, m)})
		if _, err := types.ParseNewPayloadRequests(data); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
	}
}
