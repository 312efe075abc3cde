package gethpeer

import (
	"math"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// pickEnvelope chooses a transaction type for spec among those the fork
// and the spec allow.
func (g *generator) pickEnvelope(spec txSpec) int {
	weights := [numEnvelopes]int{envLegacy: 3, envLegacyUnprotected: 1, envAccessList: 2, envDynamic: 6, envBlob: 2, envSetCode: 2}
	if spec.to == nil || g.blobsLeft == 0 {
		weights[envBlob] = 0
	}
	if spec.to == nil || g.p.Fork < Prague {
		weights[envSetCode] = 0
	}
	total := 0
	for _, w := range weights {
		total += w
	}
	r := g.rng.IntN(total)
	for e, w := range weights {
		if r < w {
			return e
		}
		r -= w
	}
	return envDynamic
}

// envelope wraps spec into a signed transaction from sender senderIdx.
// It reports false when the block has no gas left for it.
func (g *generator) envelope(b *core.BlockGen, senderIdx int, spec txSpec) (*types.Transaction, []Kind, bool) {
	key, sender := g.keys[senderIdx], g.senders[senderIdx]
	nonce := b.TxNonce(sender)
	env := spec.env
	if env == envAny {
		env = g.pickEnvelope(spec)
	}
	if env == envBlob && (spec.to == nil || g.blobsLeft == 0) {
		env = envDynamic
	}
	if env == envSetCode && (spec.to == nil || g.p.Fork < Prague) {
		env = envDynamic
	}
	kinds := append([]Kind(nil), spec.kinds...)
	if spec.to != nil {
		g.see(*spec.to)
	}

	var (
		al    types.AccessList
		auths []types.SetCodeAuthorization
		blobs []common.Hash
	)
	if env >= envAccessList {
		al = g.accessList()
	}
	if env == envSetCode {
		var k []Kind
		auths, k = g.authorizations(b, sender, nonce)
		kinds = append(kinds, k...)
	}
	if env == envBlob {
		n := 1 + g.rng.IntN(min(params.BlobTxMaxBlobs, g.blobsLeft))
		g.blobsLeft -= n
		for range n {
			h := g.hash()
			h[0] = 0x01 // KZG versioned hash
			blobs = append(blobs, h)
		}
	}

	// The intrinsic cost (with the EIP-7623 floor): a tight gas limit is
	// just above it, any other at least 50k above it.
	rules := g.cfg.Rules(b.Number(), true, b.Timestamp())
	intrinsic, err := core.IntrinsicGas(spec.data, al, auths, sender, spec.to, spec.value, rules)
	if err != nil {
		panic(err)
	}
	if rules.IsPrague {
		floor, err := core.FloorDataGas(rules, sender, spec.to, spec.value, spec.data, al)
		if err != nil {
			panic(err)
		}
		intrinsic = max(intrinsic, floor)
	}
	gas := spec.gas
	switch {
	case spec.tight && spec.to == nil:
		gas = intrinsic + 30_000 + uint64(g.rng.IntN(60_000))
	case spec.tight:
		gas = intrinsic + uint64(g.rng.IntN(3000))
	case gas == 0:
		gas = max(g.defaultGas(spec.to == nil), intrinsic+50_000)
	default:
		gas = max(gas, intrinsic+50_000)
	}
	if g.p.Fork >= Osaka && g.p.Fork < Amsterdam {
		gas = min(gas, params.MaxTxGas)
	}
	if gas > b.Gas() {
		return nil, nil, false
	}

	// Fees around the block's base fee.
	baseFee := uint256.MustFromBig(b.BaseFee())
	tips := []uint64{0, 1, 1_000_000_000, 2_000_000_000, uint64(g.rng.IntN(1_000_000_000))}
	tip := uint256.NewInt(tips[g.rng.IntN(len(tips))])
	feeCap := new(uint256.Int).Add(baseFee, tip)
	switch g.rng.IntN(3) {
	case 0: // a cap between the base fee and base fee + tip
		half := new(uint256.Int).Rsh(tip, 1)
		if half.Cmp(baseFee) <= 0 {
			feeCap.Add(baseFee, half)
		}
	case 1:
		feeCap.Add(feeCap, uint256.NewInt(uint64(g.rng.IntN(1_000_000_000))))
	}

	chainID := uint256.MustFromBig(g.cfg.ChainID)
	var (
		txdata types.TxData
		signer = b.Signer()
	)
	switch env {
	case envLegacy, envLegacyUnprotected:
		txdata = &types.LegacyTx{Nonce: nonce, GasPrice: feeCap.ToBig(), Gas: gas, To: spec.to, Value: spec.value.ToBig(), Data: spec.data}
		if env == envLegacyUnprotected {
			signer = types.HomesteadSigner{}
			kinds = append(kinds, KindLegacyUnprotected)
		} else {
			kinds = append(kinds, KindLegacy)
		}
	case envAccessList:
		txdata = &types.AccessListTx{ChainID: chainID.ToBig(), Nonce: nonce, GasPrice: feeCap.ToBig(), Gas: gas, To: spec.to,
			Value: spec.value.ToBig(), Data: spec.data, AccessList: al}
		kinds = append(kinds, KindAccessList)
	case envDynamic:
		txdata = &types.DynamicFeeTx{ChainID: chainID.ToBig(), Nonce: nonce, GasTipCap: tip.ToBig(), GasFeeCap: feeCap.ToBig(), Gas: gas,
			To: spec.to, Value: spec.value.ToBig(), Data: spec.data, AccessList: al}
		kinds = append(kinds, KindDynamicFee)
	case envBlob:
		blobCap := new(uint256.Int).Mul(g.blobFee, uint256.NewInt(1+uint64(g.rng.IntN(4))))
		blobCap.Add(blobCap, uint256.NewInt(uint64(g.rng.IntN(1000))))
		txdata = &types.BlobTx{ChainID: chainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gas, To: *spec.to,
			Value: spec.value, Data: spec.data, AccessList: al, BlobFeeCap: blobCap, BlobHashes: blobs}
		kinds = append(kinds, KindBlob)
	case envSetCode:
		txdata = &types.SetCodeTx{ChainID: chainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gas, To: *spec.to,
			Value: spec.value, Data: spec.data, AccessList: al, AuthList: auths}
	}
	tx, err := types.SignNewTx(key, signer, txdata)
	if err != nil {
		panic(err)
	}
	return tx, kinds, true
}

// accessList returns a random access list, possibly empty.
func (g *generator) accessList() types.AccessList {
	al := types.AccessList{}
	for range g.rng.IntN(4) {
		var t types.AccessTuple
		if g.rng.IntN(4) == 0 {
			t.Address = g.addr("listed", int(g.rng.Int32()))
		} else {
			t.Address = g.anyAddress()
		}
		for range g.rng.IntN(3) {
			if g.rng.IntN(4) == 0 {
				t.StorageKeys = append(t.StorageKeys, g.hash())
			} else {
				t.StorageKeys = append(t.StorageKeys, slotKey(uint64(g.rng.IntN(numSlots))))
			}
		}
		g.see(t.Address)
		al = append(al, t)
	}
	return al
}

// authorizations returns an EIP-7702 authorization list for a transaction
// of sender with nonce: valid delegations (set, set again, cleared) mixed
// with invalid entries (wrong chain, wrong nonce, bad signature), and the
// kinds it exercises. The generator's record of delegations follows the
// valid ones.
func (g *generator) authorizations(b *core.BlockGen, sender common.Address, nonce uint64) ([]types.SetCodeAuthorization, []Kind) {
	var (
		auths   []types.SetCodeAuthorization
		kinds   = []Kind{KindSetCode}
		pending = make(map[common.Address]uint64)
	)
	for range 1 + g.rng.IntN(3) {
		k := g.rng.IntN(len(g.keys))
		authority := g.senders[k]
		cur, delegated := g.delegated[authority]
		var target common.Address
		switch r := g.rng.IntN(21); {
		case r < 10:
			target = g.universal[g.rng.IntN(len(g.universal))]
		case r < 13:
			target = common.Address{}
		case r < 14:
			target = g.sdContract
		case r < 15:
			target = common.BytesToAddress([]byte{4}) // a precompile
		case r < 16:
			target = g.kvStore
		case r < 17:
			target = g.senders[g.rng.IntN(len(g.senders))] // perhaps delegated itself
			if _, ok := g.delegated[target]; ok {
				kinds = append(kinds, KindDelegationChain)
			}
		default:
			if delegated {
				target = cur
			} else {
				target = g.universal[0]
			}
		}
		expected := b.TxNonce(authority) + pending[authority]
		if authority == sender {
			expected = nonce + 1 + pending[authority]
		}
		auth := types.SetCodeAuthorization{ChainID: *uint256.MustFromBig(g.cfg.ChainID), Address: target, Nonce: expected}
		valid := true
		switch r := g.rng.IntN(12); {
		case r < 2:
			auth.ChainID.Clear() // valid on every chain
		case r == 2:
			auth.ChainID.SetUint64(2)
			valid = false
		case r == 3:
			auth.Nonce++
			valid = false
		case r == 4:
			auth.Nonce = math.MaxUint64
			valid = false
		}
		signed, err := types.SignSetCode(g.keys[k], auth)
		if err != nil {
			panic(err)
		}
		if valid && g.rng.IntN(10) == 0 {
			valid = false
			switch g.rng.IntN(3) {
			case 0: // high s: rejected as malleable
				n := uint256.MustFromBig(crypto.S256().Params().N)
				signed.S.Sub(n, &signed.S)
				signed.V ^= 1
			case 1:
				signed.R.Clear()
			default:
				signed.V = 2
			}
		}
		auths = append(auths, signed)
		if !valid {
			kinds = append(kinds, KindSetCodeInvalid)
			continue
		}
		pending[authority]++
		switch {
		case target == (common.Address{}):
			kinds = append(kinds, KindSetCodeClear)
			delete(g.delegated, authority)
		case delegated && cur == target:
			kinds = append(kinds, KindSetCodeReapply)
		default:
			g.delegated[authority] = target
		}
		g.see(target)
	}
	return auths, kinds
}
