package bench

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/balexec/balexec/chainspec"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// chainConfigJSON is the chain configuration of every workload, in
// go-ethereum's genesis "config" form: go-ethereum v1.17.10's "Amsterdam"
// test network (tests.Forks, and balexec's chainspec.ConfigForNetwork): chain id
// 1, every fork from genesis, the standard blob schedules, the mainnet
// deposit contract.
const chainConfigJSON = `{
	"chainId": 1,
	"homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
	"byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0,
	"istanbulBlock": 0, "muirGlacierBlock": 0, "berlinBlock": 0, "londonBlock": 0,
	"arrowGlacierBlock": 0, "mergeNetsplitBlock": 0, "terminalTotalDifficulty": 0,
	"shanghaiTime": 0, "cancunTime": 0, "pragueTime": 0, "osakaTime": 0,
	"bpo1Time": 0, "bpo2Time": 0, "amsterdamTime": 0,
	"depositContractAddress": "0x00000000219ab540356cbb839cbe05303d7705fa",
	"blobSchedule": {
		"cancun": {"target": 3, "max": 6, "baseFeeUpdateFraction": 3338477},
		"prague": {"target": 6, "max": 9, "baseFeeUpdateFraction": 5007716},
		"bpo1": {"target": 10, "max": 15, "baseFeeUpdateFraction": 8346193},
		"bpo2": {"target": 14, "max": 21, "baseFeeUpdateFraction": 11684671}
	}
}`

// chainID is the workloads' chain id.
const chainID = 1

// systemContracts are the contracts go-ethereum's core.SystemContractAllocs
// puts in a genesis (EIP-4788 beacon roots, EIP-2935 history, EIP-7002 and
// EIP-7251 queues, the two EIP-8282 builder queues, the EIP-7997 factory),
// each with nonce 1 and no balance.
var systemContracts = []struct {
	addr types.Address
	code string
}{
	{types.MustHexToAddress("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02"), "3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500"},
	{types.MustHexToAddress("0x0000F90827F1C53a10cb7A02335B175320002935"), "3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500"},
	{types.MustHexToAddress("0x00000961Ef480Eb55e80D19ad83579A64c007002"), "3373fffffffffffffffffffffffffffffffffffffffe1460cb5760115f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff146101f457600182026001905f5b5f82111560685781019083028483029004916001019190604d565b909390049250505036603814608857366101f457346101f4575f5260205ff35b34106101f457600154600101600155600354806003026004013381556001015f35815560010160203590553360601b5f5260385f601437604c5fa0600101600355005b6003546002548082038060101160df575060105b5f5b8181146101835782810160030260040181604c02815460601b8152601401816001015481526020019060020154807fffffffffffffffffffffffffffffffff00000000000000000000000000000000168252906010019060401c908160381c81600701538160301c81600601538160281c81600501538160201c81600401538160181c81600301538160101c81600201538160081c81600101535360010160e1565b910180921461019557906002556101a0565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff14156101cd57505f5b6001546002828201116101e25750505f6101e8565b01600290035b5f555f600155604c025ff35b5f5ffd"},
	{types.MustHexToAddress("0x0000BBdDc7CE488642fb579F8B00f3a590007251"), "3373fffffffffffffffffffffffffffffffffffffffe1460d35760115f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff1461019a57600182026001905f5b5f82111560685781019083028483029004916001019190604d565b9093900492505050366060146088573661019a573461019a575f5260205ff35b341061019a57600154600101600155600354806004026004013381556001015f358155600101602035815560010160403590553360601b5f5260605f60143760745fa0600101600355005b6003546002548082038060021160e7575060025b5f5b8181146101295782810160040260040181607402815460601b815260140181600101548152602001816002015481526020019060030154905260010160e9565b910180921461013b5790600255610146565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff141561017357505f5b6001546001828201116101885750505f61018e565b01600190035b5f555f6001556074025ff35b5f5ffd"},
	{types.MustHexToAddress("0x0000BFF46984E3725691FA540A8C7589300D8282"), "3373fffffffffffffffffffffffffffffffffffffffe1461011c575f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff146102705760015460088111605257506058565b60089003015b601190600182026001905f5b5f821115607f57810190830284830290049160010191906064565b90939004925050503660b814609f57366102705734610270575f5260205ff35b8034106102705760383567ffffffffffffffff1680633b9aca001161027057633b9aca00029034031061027057600154600101600155600354806006026004015f358155600101602035815560010160403581556001016060358155600101608035815560010160a035905560b85f5f3760b85fa0600101600355005b60035460025480820380604011610131575060405b5f5b8181146101d7578281016006026004018160b8028154815260200181600101548152602001816002015480825260401c67ffffffffffffffff16816010018160381c81600701538160301c81600601538160281c81600501538160201c81600401538160181c81600301538160101c81600201538160081c816001015353602001816003015481526020018160040154815260200190600501549052600101610133565b91018092146101e957906002556101f4565b90505f6002555f6003555b36610242575f54600154817fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff1461023057600882820111610238575b50505f610264565b0160089003610264565b7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff5b5f555f60015560b8025ff35b5f5ffd"},
	{types.MustHexToAddress("0x000064D678505AD48F8CCB093BC65613800E8282"), "3373fffffffffffffffffffffffffffffffffffffffe1460e1575f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff146101c65760015460028111605157506057565b60029003015b601190600182026001905f5b5f821115607e57810190830284830290049160010191906063565b909390049250505036603014609e57366101c657346101c6575f5260205ff35b34106101c657600154600101600155600354806003026004013381556001015f35815560010160203590553360601b5f5260305f60143760445fa0600101600355005b6003546002548082038060101160f5575060105b5f5b81811461012d5782810160030260040181604402815460601b8152601401816001015481526020019060020154905260010160f7565b910180921461013f579060025561014a565b90505f6002555f6003555b36610198575f54600154817fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff146101865760028282011161018e575b50505f6101ba565b01600290036101ba565b7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff5b5f555f6001556044025ff35b5f5ffd"},
	{types.MustHexToAddress("0x4e59b44847b379578588920ca78fbf26c0b4956c"), "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3"},
}

// genesisBuilder collects a genesis allocation.
type genesisBuilder struct {
	alloc chainspec.Alloc
}

func newGenesisBuilder() (*genesisBuilder, error) {
	g := &genesisBuilder{alloc: chainspec.Alloc{}}
	for _, sc := range systemContracts {
		code, err := types.DecodeHex(sc.code)
		if err != nil {
			return nil, fmt.Errorf("%w: system contract %s: %w", ErrGenerate, sc.addr, err)
		}
		g.alloc[sc.addr] = chainspec.GenesisAccount{Nonce: 1, Code: code}
	}
	return g, nil
}

// fund gives addr balance wei (creating the account).
func (g *genesisBuilder) fund(addr types.Address, balance *uint256.Int) {
	a := g.alloc[addr]
	a.Balance = *balance
	g.alloc[addr] = a
}

// deploy puts code at addr with nonce 1 and an empty storage, and returns
// the storage to fill.
func (g *genesisBuilder) deploy(addr types.Address, code []byte) map[uint256.Int]uint256.Int {
	st := map[uint256.Int]uint256.Int{}
	a := g.alloc[addr]
	a.Nonce, a.Code, a.Storage = 1, code, st
	g.alloc[addr] = a
	return st
}

// json returns the genesis file: go-ethereum's genesis JSON form, with
// gasLimit, a zero difficulty, the default base fee (1 gwei) and the
// allocation, accounts and slots in sorted order.
func (g *genesisBuilder) json(gasLimit uint64, extra string) ([]byte, error) {
	type account struct {
		Balance string            `json:"balance"`
		Nonce   string            `json:"nonce,omitempty"`
		Code    string            `json:"code,omitempty"`
		Storage map[string]string `json:"storage,omitempty"`
	}
	type genesis struct {
		Config     json.RawMessage    `json:"config"`
		Nonce      string             `json:"nonce"`
		Timestamp  string             `json:"timestamp"`
		ExtraData  string             `json:"extraData"`
		GasLimit   string             `json:"gasLimit"`
		Difficulty string             `json:"difficulty"`
		Coinbase   string             `json:"coinbase"`
		Alloc      map[string]account `json:"alloc"`
	}
	out := genesis{
		Config:     json.RawMessage(chainConfigJSON),
		Nonce:      "0x0",
		Timestamp:  "0x0",
		ExtraData:  hexString([]byte(extra)),
		GasLimit:   fmt.Sprintf("%#x", gasLimit),
		Difficulty: "0x0",
		Coinbase:   types.Address{}.Hex(),
		Alloc:      make(map[string]account, len(g.alloc)),
	}
	for addr, a := range g.alloc {
		if a.Balance.IsZero() && a.Nonce == 0 && len(a.Code) == 0 {
			// An empty account in an Amsterdam genesis makes go-ethereum's
			// BAL-parallel importer disagree with its sequential one.
			return nil, fmt.Errorf("%w: empty genesis account %s", ErrGenerate, addr)
		}
		ja := account{Balance: a.Balance.Hex()}
		if a.Nonce != 0 {
			ja.Nonce = fmt.Sprintf("%#x", a.Nonce)
		}
		if len(a.Code) > 0 {
			ja.Code = hexString(a.Code)
		}
		if len(a.Storage) > 0 {
			ja.Storage = make(map[string]string, len(a.Storage))
			for k, v := range a.Storage {
				if v.IsZero() {
					continue
				}
				kb, vb := k.Bytes32(), v.Bytes32()
				ja.Storage[hexString(kb[:])] = hexString(vb[:])
			}
		}
		out.Alloc[addr.Hex()] = ja
	}
	// encoding/json writes map keys sorted: the output depends on the
	// allocation only.
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("%w: genesis JSON: %w", ErrGenerate, err)
	}
	return b, nil
}

// hexString returns b as 0x-prefixed hex.
func hexString(b []byte) string { return "0x" + hex.EncodeToString(b) }
