package chainspec

import (
	"errors"
	"testing"

	"github.com/balexec/balexec/exec/evm"
)

// TestRulesAmsterdamSwitches checks the EIP-to-switch mapping of
// Config.Rules: all Amsterdam switches at Amsterdam (the same rules as
// evm.RulesFor), none before, single EIPs from ExtraEIPs, and a mix the EVM
// cannot run reported as ErrInvalidConfig.
func TestRulesAmsterdamSwitches(t *testing.T) {
	c := hiveConfig(t)
	r, err := c.Rules(36, 360)
	if err != nil {
		t.Fatal(err)
	}
	want := evm.RulesFor(c.ChainID, evm.Amsterdam)
	if r != want || r.Fork() != evm.Amsterdam {
		t.Errorf("Amsterdam rules %+v, want %+v", r, want)
	}
	r, err = c.Rules(30, 300)
	if err != nil {
		t.Fatal(err)
	}
	if want := evm.RulesFor(c.ChainID, evm.Osaka); r != want {
		t.Errorf("BPO2 rules %+v, want %+v", r, want)
	}

	// A devnet: Osaka plus block access lists and SLOTNUM.
	c.AmsterdamTime = nil
	c.ExtraEIPs = []int{int(EIP7928), int(EIP7843)}
	r, err = c.Rules(36, 360)
	if err != nil {
		t.Fatal(err)
	}
	want = evm.RulesFor(c.ChainID, evm.Osaka)
	want.EIP7928, want.EIP7843 = true, true
	if r != want {
		t.Errorf("devnet rules %+v, want %+v", r, want)
	}
	// EIP-8037 implies the amended EIP-7825 cap, and needs EIP-8038.
	c.ExtraEIPs = []int{int(EIP8037), int(EIP8038)}
	if r, err = c.Rules(36, 360); err != nil || !r.EIP8037 || !r.EIP8038 || !r.EIP7825Amended || r.EIP2780 {
		t.Errorf("8037 and 8038: %+v %v", r, err)
	}
	c.ExtraEIPs = []int{int(EIP8037)}
	if _, err := c.Rules(36, 360); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("8037 alone: %v, want ErrInvalidConfig", err)
	}
}
