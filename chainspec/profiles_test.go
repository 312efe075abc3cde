package chainspec

import (
	"errors"
	"testing"

	"github.com/balexec/balexec/exec/evm"
)

func TestProfileNames(t *testing.T) {
	for _, p := range Profiles() {
		got, err := ProfileByName(p.String())
		if err != nil || got != p {
			t.Errorf("ProfileByName(%q) = %v, %v", p, got, err)
		}
	}
	if _, err := ProfileByName("geth"); !errors.Is(err, ErrUnknownProfile) {
		t.Errorf("unknown name: %v", err)
	}
	for _, c := range []struct {
		tag  string
		want Profile
		err  error
	}{
		{"tests-bal@v5.7.0", ProfileBalV570, nil},
		{"tests-v5.4.0", ProfileGeth, nil},
		{"", ProfileGeth, nil},
		{"87ef9b4e2e5ab7c5e0bbd2bd14c60e22ee4f7a33", ProfileGeth, nil},
		{"tests-bal@v5.6.0", 0, ErrUnknownProfile},
		{"fusaka-devnet-3", 0, ErrUnknownProfile},
	} {
		got, err := ProfileForRelease(c.tag)
		if !errors.Is(err, c.err) || (err == nil && got != c.want) {
			t.Errorf("ProfileForRelease(%q) = %v, %v; want %v, %v", c.tag, got, err, c.want, c.err)
		}
	}
	if s := Profile(7).String(); s != "Profile(7)" {
		t.Errorf("String of an unknown profile: %q", s)
	}
}

// TestProfileRules: the tests-bal@v5.7.0 profile's Amsterdam has its own EIP
// set and revisions, and every earlier fork is the same as go-ethereum's.
func TestProfileRules(t *testing.T) {
	c, err := ConfigForNetwork("BPO2ToAmsterdamAtTime15k")
	if err != nil {
		t.Fatal(err)
	}
	gethOsaka, _ := c.Rules(1, 1)
	gethAms, _ := c.Rules(2, 15000)
	c.Profile = ProfileBalV570
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	osaka, err := c.Rules(1, 1)
	if err != nil || osaka != gethOsaka {
		t.Errorf("BPO2 rules differ between profiles: %+v %v", osaka, err)
	}
	r, err := c.Rules(2, 15000)
	if err != nil {
		t.Fatal(err)
	}
	if !r.IsAmsterdam || r.EIP8038 || r.EIP2780 || r.EIP8246 || r.EIP8282 || !r.EIP8037 || !r.EIP7928 ||
		r.EIP8037Rev != evm.RevBalV570 || r.EIP7954Rev != evm.RevBalV570 || r.EIP7708Rev != evm.RevBalV570 {
		t.Errorf("tests-bal@v5.7.0 Amsterdam rules %+v", r)
	}
	if r == gethAms || gethAms.EIP8037Rev != evm.RevGeth || !gethAms.EIP8038 {
		t.Errorf("go-ethereum's Amsterdam rules %+v", gethAms)
	}
	eips := c.EIPs(15000)
	if !eips.Has(EIP7778) || eips.Has(EIP8282) || eips.Has(EIP8038) {
		t.Errorf("tests-bal@v5.7.0 Amsterdam EIPs %v", eips.List())
	}
	c.Profile = numProfiles
	if err := c.Validate(); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("unknown profile: %v", err)
	}
}
